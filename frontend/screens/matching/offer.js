// An offer and the cities that could use it (the same screen as a need's matches).
import { showOffer } from "./matches.js";

export function show(main, params) {
  return showOffer(main, params);
}
