from tests.harness import expect


async def test_health(clients):
    client = clients()
    assert expect(await client.get("/healthz"), 200) == {"status": "ok"}


async def test_world(world):
    spaces = expect(await world.member.get("/api/spaces"), 200)["items"]
    assert {s["name"] for s in spaces} == {"Antwerp – Da Nang", "Open network"}
