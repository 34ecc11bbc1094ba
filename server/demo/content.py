"""The demo network's content: cities, people, spaces and threads.

Bodies are markdown; `@{key}` is replaced by the @handle of the person with that key
when the demo is loaded (handles are generated from names, see accounts._handle_base).
A message is (author key, body) or (author key, body, {emoji: [people who react]}).
Figures are plausible orders of magnitude for a demo, not official statistics.
"""

PASSWORD = "bridges of two cities"

CITIES = {
    "antwerp": dict(
        name="Antwerp",
        country="Belgium",
        region="Flanders",
        languages=["nl"],
        profile="traditional",
        description=(
            "Belgium's second-largest city and home to Europe's second-largest port, Antwerp has about "
            "540,000 inhabitants of more than 170 nationalities; roughly half of its residents have a "
            "migration background. Newcomers are received by Atlas, the city's integration and civic "
            "integration agency, which brings a welcome desk, Dutch course placement, social orientation "
            "and trajectory counselling under one roof."
        ),
    ),
    "rotterdam": dict(
        name="Rotterdam",
        country="Netherlands",
        region="South Holland",
        languages=["nl"],
        profile="traditional",
        description=(
            "The Netherlands' second city and Europe's largest port, home to about 670,000 people of some "
            "170 nationalities; more than half of Rotterdammers have a migration background. Today's main "
            "arrivals are labour migrants from Central and Eastern Europe working in logistics and "
            "horticulture, and refugees housed under the national dispersal scheme."
        ),
    ),
    "toronto": dict(
        name="Toronto",
        country="Canada",
        region="Ontario",
        languages=["en", "fr"],
        profile="traditional",
        description=(
            "Canada's largest city, with about 2.8 million residents, close to half of whom were born "
            "outside Canada. The Toronto Newcomer Office coordinates the city's newcomer strategy with "
            "federally funded settlement agencies, and the Access T.O. policy (2013) lets residents use "
            "municipal services regardless of their immigration status."
        ),
    ),
    "marseille": dict(
        name="Marseille",
        country="France",
        region="Provence-Alpes-Côte d'Azur",
        languages=["fr"],
        profile="traditional",
        description=(
            "France's second-largest city (about 870,000 inhabitants) and its oldest, founded by Greek "
            "settlers around 600 BCE. Successive arrivals from Italy, Armenia, Spain, North Africa, the "
            "Comoros and West Africa have shaped its neighbourhoods, from the Panier to the quartiers nord. "
            "The city works alongside the prefecture, which runs asylum and residence procedures, and a "
            "dense network of associations."
        ),
    ),
    "wroclaw": dict(
        name="Wrocław",
        country="Poland",
        region="Lower Silesia",
        languages=["pl"],
        profile="newer",
        description=(
            "The capital of Lower Silesia, with about 670,000 registered residents and many more in "
            "practice. A city of emigration until the 2010s, Wrocław saw labour migration from Ukraine grow "
            "after 2014 and has received tens of thousands of refugees since February 2022. The city runs a "
            "Migrant Info Point and works with NGOs on Polish courses, schooling, housing and employment."
        ),
    ),
    "medellin": dict(
        name="Medellín",
        country="Colombia",
        region="Antioquia",
        languages=["es"],
        profile="newer",
        description=(
            "Colombia's second-largest city, with about 2.6 million inhabitants (4 million in the Aburrá "
            "Valley). Colombia hosts close to 2.8 million Venezuelans and Medellín is one of their main "
            "destinations. Since 2021 the Temporary Protection Statute for Venezuelan Migrants has allowed "
            "the city to bring many of them into health insurance, schools and formal work."
        ),
    ),
    "tijuana": dict(
        name="Tijuana",
        country="Mexico",
        region="Baja California",
        languages=["es"],
        profile="newer",
        description=(
            "Mexico's busiest border city (about 1.9 million inhabitants), facing San Diego. Long a place "
            "of transit, Tijuana has become a place of arrival: Haitians from 2016, the Central American "
            "caravans of 2018 and people waiting months for U.S. asylum appointments have stayed. A "
            "municipal office for migrant services works with federal agencies and dozens of shelters run "
            "by civil society and churches."
        ),
    ),
    "danang": dict(
        name="Da Nang",
        country="Vietnam",
        region="Central Vietnam",
        languages=["vi"],
        profile="newer",
        description=(
            "Central Vietnam's largest city (about 1.2 million inhabitants), a fast-growing hub of tourism, "
            "IT services and industrial parks. It receives internal migrants from the central provinces and "
            "a rising number of foreign workers, investors, students and retirees; its foreign affairs and "
            "labour departments are building information and services for foreign residents for the first "
            "time."
        ),
    ),
    "chiangmai": dict(
        name="Chiang Mai",
        country="Thailand",
        region="Northern Thailand",
        languages=["th"],
        profile="newer",
        description=(
            "The main city of northern Thailand, with about 130,000 residents in the municipality and over "
            "a million in the metropolitan area. Workers from Myanmar, many of them Shan, have long worked "
            "in construction, agriculture, markets and domestic work; arrivals rose sharply after the 2021 "
            "coup. The municipality works with the provincial employment office, hospitals and community "
            "organisations on registration, health and schooling."
        ),
    ),
}

# The first person is the platform admin. locale is the UI language (en, fr, es or nl).
PEOPLE = {
    "hanna": dict(
        name="Hanna Lindqvist",
        email="admin@citybridge.example",
        city=None,
        admin=True,
        position="Programme officer, Learning Platform on Human Mobility",
        languages=["en", "fr", "sv"],
        locale="en",
    ),
    "sofie": dict(
        name="Sofie Peeters",
        email="sofie.peeters@antwerpen.example",
        city="antwerp",
        position="Integration policy advisor, City of Antwerp",
        languages=["nl", "en", "fr"],
        locale="nl",
    ),
    "karim": dict(
        name="Karim El Amrani",
        email="karim.elamrani@antwerpen.example",
        city="antwerp",
        position="Coordinator, Dutch courses and civic integration, Atlas Antwerp",
        languages=["nl", "fr", "ar", "en"],
        locale="nl",
    ),
    "joris": dict(
        name="Joris Van den Broeck",
        email="joris.vandenbroeck@antwerpen.example",
        city="antwerp",
        position="Housing policy officer, City of Antwerp",
        languages=["nl", "en"],
        locale="nl",
    ),
    "katarzyna": dict(
        name="Katarzyna Nowak",
        email="katarzyna.nowak@wroclaw.example",
        city="wroclaw",
        position="Head of the Migrant Info Point, Wrocław Centre for Social Development",
        languages=["pl", "en", "uk"],
        locale="en",
    ),
    "lukasz": dict(
        name="Łukasz Wiśniewski",
        email="lukasz.wisniewski@wroclaw.example",
        city="wroclaw",
        position="Deputy director, Department of Social Affairs, City of Wrocław",
        languages=["pl", "en", "de"],
        locale="en",
    ),
    "olena": dict(
        name="Olena Kovalenko",
        email="olena.kovalenko@wroclaw.example",
        city="wroclaw",
        position="Integration officer for Ukrainian residents, City of Wrocław",
        languages=["uk", "pl", "en", "ru"],
        locale="en",
    ),
    "priya": dict(
        name="Priya Raman",
        email="priya.raman@toronto.example",
        city="toronto",
        position="Senior policy advisor, Toronto Newcomer Office",
        languages=["en", "ta", "fr"],
        locale="en",
    ),
    "daniel": dict(
        name="Daniel Okafor",
        email="daniel.okafor@toronto.example",
        city="toronto",
        position="Manager, Employment and Social Services, City of Toronto",
        languages=["en"],
        locale="en",
    ),
    "laura": dict(
        name="Laura Restrepo Gómez",
        email="laura.restrepo@medellin.example",
        city="medellin",
        position="Migrant services coordinator, Social Inclusion Secretariat, Medellín",
        languages=["es", "en"],
        locale="es",
    ),
    "andres": dict(
        name="Andrés Felipe Cardona",
        email="andres.cardona@medellin.example",
        city="medellin",
        position="Economic development advisor, Mayor's Office of Medellín",
        languages=["es", "en"],
        locale="es",
    ),
    "mariafernanda": dict(
        name="María Fernanda Ruiz",
        email="mariafernanda.ruiz@tijuana.example",
        city="tijuana",
        position="Director, Municipal Office for Migrant Services, Tijuana",
        languages=["es", "en", "ht"],
        locale="es",
    ),
    "nadia": dict(
        name="Nadia Benali",
        email="nadia.benali@marseille.example",
        city="marseille",
        position="Integration and anti-discrimination officer, City of Marseille",
        languages=["fr", "ar", "en"],
        locale="fr",
    ),
    "julien": dict(
        name="Julien Mercier",
        email="julien.mercier@marseille.example",
        city="marseille",
        position="Public health officer, City of Marseille",
        languages=["fr", "en", "it"],
        locale="fr",
    ),
    "thuha": dict(
        name="Nguyễn Thị Thu Hà",
        email="thuha.nguyen@danang.example",
        city="danang",
        position="Deputy head, Department of Foreign Affairs, Da Nang",
        languages=["vi", "fr", "en"],
        locale="fr",
    ),
    "quan": dict(
        name="Trần Minh Quân",
        email="quan.tran@danang.example",
        city="danang",
        position="Labour inspector, Department of Labour, Invalids and Social Affairs, Da Nang",
        languages=["vi", "en"],
        locale="en",
    ),
    "ilse": dict(
        name="Ilse Bakker",
        email="ilse.bakker@rotterdam.example",
        city="rotterdam",
        position="Programme manager, labour migration, City of Rotterdam",
        languages=["nl", "en", "de"],
        locale="nl",
    ),
    "emre": dict(
        name="Emre Kaya",
        email="emre.kaya@rotterdam.example",
        city="rotterdam",
        position="Entrepreneurship advisor, Economic Development, City of Rotterdam",
        languages=["nl", "tr", "en"],
        locale="nl",
    ),
    "siriporn": dict(
        name="Siriporn Wongsawat",
        email="siriporn.wongsawat@chiangmai.example",
        city="chiangmai",
        position="Social welfare officer, Chiang Mai Municipality",
        languages=["th", "en"],
        locale="en",
    ),
    "anan": dict(
        name="Anan Srisuk",
        email="anan.srisuk@chiangmai.example",
        city="chiangmai",
        position="Migrant worker coordination officer, Chiang Mai Municipality",
        languages=["th", "en", "my"],
        locale="en",
    ),
}

SPACES = {
    "antwerp-wroclaw": dict(
        name="Antwerp – Wrocław",
        cities=["antwerp", "wroclaw"],
        visibility="members",
        themes=["integration", "housing", "education", "employment", "social-services"],
        description=(
            "Antwerp has run a one-stop welcome and civic integration trajectory for two decades; since 2022 "
            "Wrocław has become home to a very large Ukrainian community. The two administrations compare "
            "reception, housing, language courses and recognition of qualifications."
        ),
        moderator="sofie",
        members=["joris", "karim", "katarzyna", "lukasz", "olena"],
    ),
    "americas": dict(
        name="Toronto – Medellín – Tijuana",
        cities=["toronto", "medellin", "tijuana"],
        visibility="members",
        themes=["employment", "health", "human-security", "migrant-entrepreneurship", "integration"],
        description=(
            "Three cities of the Americas on work, health and safety for newcomers: Toronto's decades of "
            "settlement services, Medellín's response to Venezuelan migration and Tijuana's shift from a "
            "city of transit to a city of arrival."
        ),
        moderator="priya",
        members=["daniel", "laura", "andres", "mariafernanda"],
    ),
    "marseille-danang": dict(
        name="Marseille – Da Nang",
        cities=["marseille", "danang"],
        visibility="members",
        themes=["health", "labour-exploitation", "intercultural-dialogue", "social-services"],
        description=(
            "Two port cities on health access, decent work and living together: Marseille, shaped by a "
            "century of arrivals, and Da Nang, where foreign workers and residents are a recent and growing "
            "presence."
        ),
        moderator="nadia",
        members=["julien", "thuha", "quan"],
    ),
    "open-forum": dict(
        name="Open forum: fair work and welcoming cities",
        visibility="network",
        cities=["rotterdam", "antwerp", "chiangmai", "danang"],
        themes=["labour-exploitation", "migrant-entrepreneurship", "public-perception", "employment"],
        description=(
            "A space every signed-in official of the network can read: Rotterdam and Antwerp compare notes "
            "with Chiang Mai and Da Nang on labour exploitation, migrant entrepreneurs and how migration is "
            "talked about in the local media."
        ),
        moderator="ilse",
        members=["emre", "karim", "siriporn", "anan", "quan"],
    ),
}

THREADS = [
    # ---- Antwerp – Wrocław -------------------------------------------------------------------
    dict(
        key="aw-welcome-desk",
        space="antwerp-wroclaw",
        lang="en",
        pinned=True,
        title="How our one-stop welcome desk works — and what we would do differently",
        themes=["integration", "social-services"],
        messages=[
            (
                "sofie",
                """
Welcome to our shared space! As promised at the kick-off call, here is how newcomers are received in
Antwerp, so @{katarzyna} and @{lukasz} can compare with the Migrant Info Point.

**One address: Atlas.** Every adult newcomer who registers at the district office is referred to
[Atlas](https://www.atlas-antwerpen.be), our integration and civic integration agency. There they get:

1. an **intake interview** in a language they understand (on site or through a remote interpreter),
   usually within two weeks of referral;
2. a place in a **Dutch as a second language** course at the right level and pace;
3. a **social orientation course** in their own language where possible;
4. a **trajectory counsellor** who follows up on work, study and care, and refers to the public
   employment service.

Order of magnitude: Atlas handles around 10,000 first contacts a year, and about a third come from
people who are not obliged to follow the programme but want to.

What we would do differently today: put the welcome desk *inside* the district office rather than
across town. We lose people between the two counters.
""",
                {"👍": ["katarzyna", "olena", "joris"]},
            ),
            (
                "katarzyna",
                """
Thank you Sofie, this is very helpful. Our set-up in Wrocław is much younger: the Migrant Info Point
started as a small desk and exploded in 2022.

- **Staff:** 11 consultants, most of them Ukrainian-speaking, two also speak English.
- **Volume:** about 24,000 visits last year, down from almost 60,000 in 2022.
- **Top questions:** PESEL numbers, legal stay under the special act, school enrolment, flats.

Two questions:

1. How do you keep the intake within two weeks when arrivals spike? We had queues around the building
   in March 2022.
2. Is the orientation course compulsory, and what happens if someone does not come?
""",
            ),
            (
                "sofie",
                """
@{katarzyna} on your questions:

1. **Spikes:** we keep a pool of freelance intake staff and switch to **group intakes** (10–15 people,
   same language) when waiting times pass three weeks. In 2015–2016 we also held intakes inside the
   reception centres.
2. **Compulsory?** For most non-EU newcomers, yes. Someone who does not show up first gets a reminder
   and a **home visit**; only after that can an administrative fine follow. In practice the home visit
   solves most cases: it is usually childcare or shift work, not refusal.

Happy to share our intake form (in English) in the library.
""",
            ),
            (
                "olena",
                """
For me the most interesting part is the **interpreters**. In Wrocław we rely a lot on volunteers and on
staff who happen to speak the language. How is remote interpreting organised in Antwerp, and who pays?
""",
            ),
            (
                "karim",
                """
@{olena} Flanders has a public **social interpreting** service: public services and NGOs book an
interpreter on site, by phone or by video, and the cost is largely subsidised. A phone interpreter for
a short intake can usually be booked within the hour — see
[integratie-inburgering.be](https://www.integratie-inburgering.be).

Our rule of thumb: **never use children or relatives as interpreters** for anything about health,
money or legal status.
""",
                {"🙏": ["olena", "lukasz"]},
            ),
            (
                "lukasz",
                """
Katarzyna, Olena — proponuję, żebyśmy na najbliższym spotkaniu zespołu omówili pomysł grupowych
rozmów wstępnych. Przygotuję krótką notatkę o kosztach.

*(For our Antwerp colleagues: I suggested we discuss group intakes at our next team meeting; I will
prepare a short note on costs.)*
""",
            ),
        ],
    ),
    dict(
        key="aw-studiebezoek",
        space="antwerp-wroclaw",
        lang="nl",
        title="Studiebezoek aan Wrocław in mei: programma en deelnemers",
        themes=["integration", "housing"],
        messages=[
            (
                "sofie",
                """
Collega's, we hebben budget voor een **studiebezoek van drie dagen aan Wrocław** (week van 13 mei).
Voorstel voor het programma:

- **Dag 1:** het Migrant Info Point en het stadhuis, gesprek met @{lukasz} over de financiering na de
  speciale wet voor Oekraïners;
- **Dag 2:** scholen met onthaalklassen en een collectieve opvanglocatie die wordt afgebouwd;
- **Dag 3:** werkgevers en het arbeidsbureau (*Powiatowy Urząd Pracy*).

Wie gaat er mee? We kunnen met vier. @{joris}, jij wilde graag het woonluik zien, toch?
""",
            ),
            (
                "joris",
                """
Zeker. Ik wil vooral zien hoe ze mensen uit de collectieve opvang naar de gewone huurmarkt krijgen.
Bij ons duurt dat voor erkende vluchtelingen gemiddeld vier tot zes maanden, en dan hebben we nog een
sociaal verhuurkantoor achter de hand. Ik stel voor dat we ook **Wrocławskie Mieszkania**, het
stedelijk woonbedrijf, bezoeken en niet alleen het stadhuis.
""",
            ),
            (
                "karim",
                """
Ik ga graag mee voor het taalluik. Hebben ze in Wrocław iets zoals onze **oefenkansen Nederlands**
(praatcafés, taalbuddy's)? Dan combineren we dag 2 met een Pools praatcafé. Ik kan ook kort ons
Oekraïense traject van 2022 voorstellen: ruim 1.400 cursisten in één jaar.
""",
                {"👍": ["sofie"]},
            ),
            (
                "katarzyna",
                """
I read this through a translator, so forgive me if I misunderstood something 🙂 — the week of 13 May
works for us. For day 2: volunteers run a Polish conversation club every Wednesday in one of the
municipal library branches, you are welcome to join. @{lukasz} will confirm the meeting with the
deputy mayor.
""",
            ),
            (
                "sofie",
                """
Top, dan gaan we met vier: @{joris}, @{karim}, ikzelf en iemand van het OCMW. Ik boek de vluchten deze
week en zet het programma in de bibliotheek van deze ruimte.

*(@{katarzyna}: thank you — we confirm the week of 13 May, four people. The programme follows in the
library.)*
""",
                {"❤️": ["katarzyna"]},
            ),
        ],
    ),
    dict(
        key="aw-housing",
        space="antwerp-wroclaw",
        lang="en",
        title="From collective shelters to ordinary rentals",
        themes=["housing", "social-services"],
        messages=[
            (
                "lukasz",
                """
Since March 2023 people from Ukraine who stay in collective accommodation for more than 120 days
contribute **50% of the cost** (75% after 180 days), with exemptions for vulnerable groups. That moved
many families out of the shelters, as intended, but Wrocław's rental market is very tight: rents rose
by roughly 30% between 2021 and 2023.

We still have around 1,100 people in municipal collective places. What tools do you use to move people
into **ordinary rentals** without creating a parallel "refugee market"?
""",
            ),
            (
                "joris",
                """
Three things have worked for us:

- **Social rental agency** (*sociaal verhuurkantoor*): it rents from private landlords at a slightly
  lower rent and guarantees payment and upkeep; the landlord gets a tax advantage and a renovation
  premium. It now manages more than a thousand homes in the city.
- **Rent deposit through the OCMW**: the public social welfare centre provides the deposit as a bank
  guarantee, so the landlord does not see that the tenant is supported. This matters a lot.
- **Discrimination testing**: mystery-shopping tests on real rental ads. Agencies that fail get a
  warning and training; repeat cases are reported to [Unia](https://www.unia.be), the equality body.

The honest part: none of this creates enough homes. Large families still wait a year or more.
""",
                {"👍": ["lukasz", "olena", "katarzyna"]},
            ),
            (
                "olena",
                """
The deposit point is important. Many landlords here ask for two or three months' deposit plus the
first month in advance, in cash. For a mother of two living on the **800 zł per child** benefit and a
part-time job, that is impossible.

@{joris}, does the guarantee cover damage or only unpaid rent? Landlords in Wrocław tell us their fear
is mostly damage.
""",
            ),
            (
                "joris",
                """
@{olena} the bank guarantee covers whatever the lease says the deposit covers, so damage too, up to
three months' rent. Only a small minority of guarantees is ever called; I'll ask our finance colleagues
for the exact share. That number is our best argument with landlords.
""",
            ),
            (
                "lukasz",
                """
Convincing. We will pilot a **municipal deposit guarantee** with Wrocławskie Mieszkania and two NGOs for
50 families this autumn. @{olena}, could you draft the eligibility criteria? I'll report the first
results here.
""",
                {"🎉": ["sofie", "joris"]},
            ),
        ],
    ),
    dict(
        key="aw-diplomas",
        space="antwerp-wroclaw",
        lang="en",
        title="Recognition of diplomas: Ukrainian teachers and nurses",
        themes=["education", "employment"],
        messages=[
            (
                "olena",
                """
About a third of the adults we see at the info point hold a higher-education diploma; the largest
groups are **teachers** and **nurses**. Under the special act Ukrainian doctors and nurses can get a
conditional right to practise in Poland, but teachers need a formal recognition and a Polish language
certificate.

Meanwhile hundreds of Ukrainian teachers work in Wrocław schools as **intercultural assistants**
(*asystent międzykulturowy*). It works, but the pay is low and they are stuck. How does Flanders handle
this?
""",
            ),
            (
                "karim",
                """
Very similar picture. In Flanders the recognition office is **NARIC-Vlaanderen**. What we learned:

1. **Start the file in week one**, not after the language course. A decision takes about four months,
   and people keep learning Dutch in the meantime.
2. **Partial recognition is still useful.** A Ukrainian teaching degree is often recognised at
   bachelor level; with a short teacher-training top-up at a university college it becomes a full
   teaching qualification.
3. Schools can hire teachers who have **not yet reached the required Dutch level**, if they reach it
   within a set period.

The application fee is waived for recognised refugees.
""",
                {"💡": ["olena", "katarzyna"]},
            ),
            (
                "katarzyna",
                """
Olena, to jest dobry argument dla kuratorium: wniosek o uznanie dyplomu już w pierwszym tygodniu.
Czy możemy dodać taki punkt do naszej ścieżki konsultacji?
""",
            ),
            (
                "olena",
                """
Tak, dodam to.

@{karim} one more question: do you know how many recognised teachers actually end up teaching? We
suspect many of ours will leave education for better-paid jobs in logistics.
""",
            ),
            (
                "karim",
                """
Roughly: of the newcomers who obtained a full teaching recognition in the last three years, a bit less
than half were working in a school a year later. The teacher shortage helps — schools now recruit at
our info sessions. I'll put the figures and the info-session slides in the library.
""",
            ),
        ],
    ),
    dict(
        key="aw-language-at-work",
        space="antwerp-wroclaw",
        lang="en",
        title="Language classes for working adults: evenings, online or on the shop floor?",
        themes=["education", "employment", "integration"],
        messages=[
            (
                "katarzyna",
                """
Our free Polish courses (city and EU funding) are full, but **more than 40% drop out**, mostly people
who found a job in logistics with rotating shifts. Has anyone made workplace-based language classes
work?
""",
            ),
            (
                "karim",
                """
Yes — our most successful format of recent years is **Dutch on the work floor** (*Nederlands op de
werkvloer*): a language coach comes to the company and works with the real vocabulary of the job
(safety instructions, the planning board), and also coaches the Dutch-speaking colleagues to speak more
clearly.

- 2–4 hours a week, **during paid working time**;
- the employer pays part, the Flemish government subsidises the rest;
- dropout is far lower than in evening classes.

Second format: **blended** courses, one evening on site and the rest online, with flexible exam dates.
That is what shift workers choose.
""",
                {"👍": ["katarzyna", "sofie"]},
            ),
            (
                "olena",
                """
Coaching the *Polish-speaking colleagues* is new for us. Foremen here often switch to Russian with
Ukrainian workers "to make it easier", which does not help anyone learn Polish.
""",
            ),
            (
                "katarzyna",
                """
@{karim} which sectors went first? We would like to start with one large employer in the logistics
parks of Bielany Wrocławskie and show results.
""",
            ),
            (
                "karim",
                """
Cleaning, logistics and hospital care — sectors with a labour shortage, so the employer has a clear
interest. Start where the **HR manager** is convinced, not only the CEO. I'll share the evaluation of
our pilot in the library.
""",
            ),
        ],
    ),
    # ---- Toronto – Medellín – Tijuana ----------------------------------------------------------
    dict(
        key="am-ppt",
        space="americas",
        lang="es",
        title="Estatuto Temporal de Protección: ¿cómo acompañan los municipios la regularización?",
        themes=["integration", "human-security"],
        messages=[
            (
                "laura",
                """
Hola a todas y todos. En Medellín viven alrededor de **200.000 personas venezolanas** según Migración
Colombia, y la gran mayoría ya tiene o tramita el **Permiso por Protección Temporal (PPT)**.

Lo que hizo la Alcaldía para acompañar el registro:

- **jornadas de registro biométrico** en los barrios, con [Migración Colombia](https://www.migracioncolombia.gov.co),
  en colegios y centros de salud;
- una línea de WhatsApp para agendar citas y resolver dudas;
- un punto de atención con orientación jurídica, salud y empleo en el mismo lugar.

El reto ahora es que el PPT se traduzca en derechos reales: afiliación a salud, matrícula escolar,
cuentas bancarias. Muchos bancos todavía no aceptan el PPT en ventanilla. ¿Cómo lo manejan ustedes?
""",
            ),
            (
                "mariafernanda",
                """
Hola Laura. En Tijuana el contexto es distinto: la mayoría llega **en tránsito** o esperando una cita
de asilo en Estados Unidos, pero cada vez más personas se quedan. Nuestra oficina municipal hace tres
cosas:

1. acompaña el trámite de la **CURP temporal** y de la tarjeta de visitante por razones humanitarias;
2. orienta a quienes deciden pedir refugio en México ante la COMAR;
3. mantiene un **padrón de albergues** con capacidad y necesidades actualizadas cada semana.

Sobre los bancos: aquí pasa lo mismo. Logramos un convenio con una caja de ahorro local que abre
cuentas con la tarjeta de visitante. Te paso el contacto.
""",
                {"👍": ["laura", "andres"]},
            ),
            (
                "priya",
                """
Sorry to answer in English — I read Spanish much better than I write it.

On banking: in Canada the breakthrough was a **federal rule** obliging banks to accept a wide list of
ID documents, including immigration papers, to open a basic account. Before that, settlement workers
spent hours going from branch to branch with clients. Is there a national regulator in Colombia or
Mexico who could issue a similar instruction? It seems more effective than city-by-city agreements.
""",
            ),
            (
                "andres",
                """
@{priya} sí existe: la Superintendencia Financiera reconoció el PPT como documento válido para abrir
productos financieros. El problema es la **aplicación en ventanilla**: el asesor no conoce la norma o
desconfía. Por eso capacitamos al personal de las sucursales junto con la Cámara de Comercio: unas 400
personas de 12 entidades el año pasado.
""",
            ),
            (
                "laura",
                """
Gracias a los dos. Resumen para @{priya} y @{daniel}:

> **Summary:** the national regulator already recognises the PPT for banking; the gap is at the
> counter. Medellín trains bank staff; Tijuana has an agreement with a local savings bank that accepts
> the humanitarian visitor card.

Propongo que documentemos las dos prácticas en la biblioteca del espacio.
""",
                {"🙏": ["priya", "daniel"]},
            ),
        ],
    ),
    dict(
        key="am-access-to",
        space="americas",
        lang="en",
        pinned=True,
        title="Access T.O.: city services regardless of immigration status",
        themes=["human-security", "health", "integration"],
        messages=[
            (
                "priya",
                """
Several of you asked about **Access T.O.** after our call, so here is the short version.

In 2013 Toronto City Council decided that residents can use city services — shelters, public health,
libraries, recreation, child-care subsidies — **regardless of immigration status**, with a "don't ask"
rule: staff do not ask about status unless a programme legally requires it, and do not share it if
they learn it.

What made it real, rather than a nice motion:

- **training** for frontline staff in every division, repeated every year;
- an **inventory of ID requirements**: we found many forms asking for documents they did not need;
- a **complaints route** for residents who were refused a service.

More on [toronto.ca](https://www.toronto.ca). One limit we are honest about: the police service is
governed by its own board and applies its own policy.
""",
            ),
            (
                "mariafernanda",
                """
Esto es muy interesante para nosotros. En Tijuana el miedo principal de las personas migrantes no es
el Ayuntamiento sino **la policía y las extorsiones**. ¿Cómo convencieron al personal municipal de que
no preguntar el estatus no es "ayudar a la ilegalidad"? Aquí esa sería la primera crítica en los medios.
""",
            ),
            (
                "priya",
                """
@{mariafernanda} the argument that worked was **public health and safety**, not compassion: a resident
who is afraid to call 311, take a child to a clinic or report a crime makes the whole neighbourhood
less safe. Our medical officer of health and the fire chief were the best messengers — much better than
politicians.
""",
                {"💡": ["mariafernanda", "laura"]},
            ),
            (
                "laura",
                """
En Medellín pasó algo parecido en salud: la **atención de urgencias no exige documento**, y desde 2022
promotores de salud venezolanos acompañan la afiliación al sistema. El mensaje público fue "la salud de
todos es la salud de Medellín", y funcionó mejor que cualquier campaña de solidaridad.
""",
            ),
            (
                "daniel",
                """
One number that helped us internally: after the ID inventory, one division alone removed **11 document
requirements** from its forms, and processing got *faster for everyone*, not only for newcomers.
Framing it as an efficiency story helped with council.
""",
            ),
        ],
    ),
    dict(
        key="am-entrepreneurship",
        space="americas",
        lang="es",
        title="Emprendimiento migrante: capital semilla, formalización y mentorías",
        themes=["migrant-entrepreneurship", "employment"],
        messages=[
            (
                "andres",
                """
Comparto resultados del programa de emprendimiento para población migrante y colombianos retornados:

| Componente | Resultado |
|---|---|
| Personas formadas en plan de negocio | 620 |
| Emprendimientos con capital semilla | 180 |
| Monto promedio | COP 3,5 millones |
| Negocios formalizados ante la Cámara de Comercio | 95 |

Lo que aprendimos: el capital semilla sin **acompañamiento de seis meses** se pierde. Sobreviven los
negocios que tienen mentor y acceso a un mercado (ferias, compras públicas).

Pregunta para @{daniel}: ¿en Toronto hay crédito para personas sin historial crediticio?
""",
            ),
            (
                "daniel",
                """
Yes, a few routes, none perfect:

- **microloans from non-profits** such as [Windmill Microlending](https://www.windmillmicrolending.org),
  which lends to internationally trained newcomers on the strength of their plan, not their Canadian
  credit history;
- the provincial **Starter Company Plus** programme (training, mentoring and a grant of up to
  CAD 5,000), delivered locally by Enterprise Toronto;
- **secured credit cards**, so people start building a credit history in their first months.

Your finding about mentoring matches ours: the grant is the smallest part of the value.
""",
                {"👍": ["andres"]},
            ),
            (
                "mariafernanda",
                """
En Tijuana muchas personas haitianas abrieron **negocios de comida y estéticas** en la Zona Centro sin
ningún programa. Nuestro problema es el contrario: ya emprenden, pero en la informalidad, y los
inspectores los multan. Estamos probando un **permiso provisional de comercio** de seis meses mientras
regularizan su situación.
""",
            ),
            (
                "andres",
                """
@{mariafernanda} ese permiso provisional es muy buena idea. ¿Nos compartes el texto del acuerdo de
cabildo cuando esté aprobado? Lo llevaría a la mesa de comercio de Medellín.
""",
            ),
        ],
    ),
    dict(
        key="am-credentials",
        space="americas",
        lang="en",
        title="Internationally trained professionals: bridging programmes and mentoring",
        themes=["employment", "education"],
        messages=[
            (
                "laura",
                """
In Medellín we have **Venezuelan doctors, engineers and teachers** working as delivery riders.
Colombia's Ministry of Education validates foreign degrees (*convalidación*), but it is slow and
expensive for people without apostilled documents — and many left Venezuela without them.

@{priya} @{daniel}, Toronto is known for its mentoring programmes. What would you copy first if you
were starting from zero?
""",
            ),
            (
                "daniel",
                """
If I could copy only one thing: **occupation-specific mentoring with employers**, the model TRIEC made
known. A newcomer is matched with a mentor *in the same profession* for about 24 hours over four
months. It is cheap (volunteer mentors from partner employers) and many mentees find work in their
field within a year.

Second, if you can: **bridging programmes** with colleges that combine a short top-up course with a
paid work placement.
""",
            ),
            (
                "priya",
                """
And one policy change that mattered: since Ontario's 2021 *Working for Workers Act*, many regulated
professions can no longer require **Canadian work experience** for a licence. That single rule did
more than many projects.

Your equivalent might be accepting **sworn declarations and third-party verification** when apostilled
documents are impossible to get — World Education Services built a process for refugees for exactly
this case.
""",
                {"💡": ["laura", "andres"]},
            ),
            (
                "laura",
                """
That is exactly our case. Colombia already accepts some alternatives for Venezuelans without apostille,
but each university and professional council applies different rules. We will propose a **mesa
técnica** with the Ministry and the main universities of Antioquia.

@{andres}, can your secretariat recruit mentors among the companies of the business cluster programme?
""",
            ),
            (
                "andres",
                """
Sí, lo hablo con la Cámara de Comercio esta semana. Podemos empezar con **30 parejas mentor–mentee** en
salud e ingeniería.
""",
            ),
        ],
    ),
    dict(
        key="am-health-transit",
        space="americas",
        lang="es",
        title="Salud de personas migrantes en tránsito: lo que vemos en Tijuana",
        themes=["health", "human-security"],
        messages=[
            (
                "mariafernanda",
                """
Compartimos datos de las **jornadas de salud** en albergues de enero a junio:

- 4.300 consultas de primer nivel;
- 1.150 vacunas aplicadas (sarampión, tétanos, influenza);
- motivos más comunes: infecciones respiratorias, heridas en los pies, deshidratación y **salud
  mental** (ansiedad, insomnio después de secuestros y extorsiones en la ruta).

La salud mental es lo que menos sabemos atender. ¿Tienen experiencias de atención psicológica con
pocos recursos?
""",
            ),
            (
                "laura",
                """
En Medellín trabajamos con **primeros auxilios psicológicos** en grupo, a cargo de psicólogas y de
lideresas venezolanas capacitadas. No reemplaza la terapia, pero reduce la lista de espera. Con el PPT
las personas pueden afiliarse al régimen subsidiado de salud; el problema es que la cita de psicología
tarda dos o tres meses.
""",
            ),
            (
                "priya",
                """
Toronto Public Health funds **peer-led groups** in several languages, and our experience matches
Laura's: peers trained in psychological first aid reach people who would never walk into a clinic.

A practical tip: don't write "mental health" on the flyer. Our Spanish-speaking groups are called
*espacios de bienestar*.
""",
                {"❤️": ["mariafernanda"], "👍": ["laura"]},
            ),
            (
                "mariafernanda",
                """
¡Gracias! Vamos a probar un "espacio de bienestar" en dos albergues con psicólogas de la Universidad
Autónoma de Baja California. En un mes les cuento cómo va.
""",
            ),
        ],
    ),
    # ---- Marseille – Da Nang -------------------------------------------------------------------
    dict(
        key="md-soins",
        space="marseille-danang",
        lang="fr",
        pinned=True,
        title="Accès aux soins : AME, PASS et médiateurs en santé",
        themes=["health", "social-services"],
        messages=[
            (
                "julien",
                """
Bonjour à toutes et à tous. Comme convenu, voici comment fonctionne l'accès aux soins des personnes
étrangères à Marseille, en trois niveaux :

1. **L'Aide médicale de l'État (AME)** couvre les personnes sans titre de séjour présentes en France
   depuis plus de trois mois, sous conditions de ressources.
2. **Les PASS** (permanences d'accès aux soins de santé) des hôpitaux reçoivent toute personne sans
   couverture, le temps d'ouvrir ses droits.
3. **Les médiatrices et médiateurs en santé**, financés en partie par la Ville, accompagnent les
   personnes vers ces dispositifs, souvent dans leur langue.

Le point faible : l'ouverture des droits à l'AME peut prendre plus de deux mois. Pendant ce temps, ce
sont les PASS et des associations comme [Médecins du Monde](https://www.medecinsdumonde.org) qui tiennent.
""",
                {"👍": ["nadia", "thuha"]},
            ),
            (
                "nadia",
                """
J'ajoute le volet ville : nos **ateliers santé ville** dans les quartiers prioritaires font le lien
avec les centres sociaux, et les médiateurs en santé en sont la pièce maîtresse — 14 postes aujourd'hui,
contre 5 en 2019.

@{thuha}, vous nous disiez que les travailleurs étrangers à Da Nang sont obligatoirement assurés ?
""",
            ),
            (
                "thuha",
                """
Oui, en partie. Depuis fin 2018, les travailleurs étrangers qui ont un permis de travail et un contrat
d'au moins un an cotisent à l'**assurance sociale obligatoire**, et l'assurance maladie suit le contrat
de travail. Pour eux, l'accès aux soins est assez simple.

La difficulté concerne les autres : conjoints, étudiants, retraités, et surtout les **travailleurs sans
permis** dans le bâtiment et la restauration. Ils paient l'hôpital de leur poche, ou ne viennent pas.
L'idée des médiateurs nous intéresse beaucoup.
""",
            ),
            (
                "quan",
                """
Adding numbers from our side (in English, my French is not good enough 🙂): Da Nang had about **3,000
foreign workers** with valid work permits last year, and our inspections suggest several hundred more
work without permits, mostly in construction and in restaurants in the tourist areas.

Gửi chị Hà: em sẽ gửi chị bảng số liệu chi tiết theo ngành trước thứ Sáu.
""",
            ),
            (
                "julien",
                """
Merci @{quan}. Pour des médiateurs, le plus important à nos yeux : qu'ils soient **salariés et
formés** — la Haute Autorité de santé a publié un référentiel de compétences de la médiation en santé —
et qu'ils soient rattachés à la ville, pas seulement à l'hôpital, pour **aller vers** les gens. Je peux
partager notre fiche de poste.
""",
                {"🙏": ["thuha", "quan"]},
            ),
        ],
    ),
    dict(
        key="md-exploitation",
        space="marseille-danang",
        lang="en",
        title="Labour exploitation in construction and hospitality: how do you inspect?",
        themes=["labour-exploitation", "employment"],
        messages=[
            (
                "quan",
                """
Da Nang's construction and resort boom brings many foreign and internal migrant workers, and we see
the classic problems: **passports kept by employers**, deductions for housing, 12-hour shifts, and
subcontracting chains where nobody is responsible.

Our inspectors are few: fewer than 20 for all sectors in the city. How does Marseille organise
inspections with so many small employers, and how do you protect workers without papers who report?
""",
            ),
            (
                "nadia",
                """
Labour inspection is a State competence in France, not the city's, but the city sits at the table.
What works in the Bouches-du-Rhône:

- **Joint operations** (the departmental anti-fraud committees): labour inspectors, police, social
  security and tax services inspect together, which is how you deal with subcontracting chains — the
  main contractor can be held **jointly liable** for the wages of its subcontractors' workers.
- **Victims first**: people identified as victims of trafficking or severe labour exploitation can get
  a residence permit if they cooperate, and associations accompany them.
- The city's part: **decent housing for seasonal workers** and information in their languages, because
  exploitation starts with housing tied to the job.

The weak point is the same as yours: too few inspectors.
""",
                {"👍": ["quan", "thuha"]},
            ),
            (
                "julien",
                """
On the health side: hospital doctors flag suspicious cases — repeated injuries, heat stroke on building
sites in July. Since the recent heatwaves we have a protocol with the labour inspectorate for
heat-related work accidents. @{quan}, I can share it if useful.
""",
            ),
            (
                "quan",
                """
Yes please — heat is a big issue for us too, from May to August.

Tóm tắt cho các đồng nghiệp ở Sở Lao động – Thương binh và Xã hội:

- **Kiểm tra liên ngành** (lao động, công an, thuế) hiệu quả hơn với chuỗi nhà thầu phụ;
- **Nhà thầu chính cùng chịu trách nhiệm** trả lương cho công nhân của nhà thầu phụ;
- Bảo vệ nạn nhân trước, xử lý vi phạm cư trú sau.
""",
            ),
            (
                "thuha",
                """
One idea we can apply quickly: a **multilingual card** (Vietnamese, English, Chinese, Korean) with
workers' rights and the labour hotline, handed out with the work permit. @{nadia}, did you ever
evaluate whether such leaflets reach workers?
""",
            ),
            (
                "nadia",
                """
Honestly: leaflets alone, no. What works is someone the workers trust handing them over — a union, a
church, a community association — and a number that **answers in their language**. Test the hotline
with a mystery call before printing 10,000 cards!
""",
                {"😄": ["thuha"], "💡": ["quan"]},
            ),
        ],
    ),
    dict(
        key="md-mediation",
        space="marseille-danang",
        lang="fr",
        title="Médiation interculturelle et vie de quartier",
        themes=["intercultural-dialogue", "public-perception"],
        messages=[
            (
                "nadia",
                """
Je lance ce fil sur la **médiation interculturelle**, que @{thuha} voulait approfondir.

À Marseille, la Ville cofinance des postes d'**adultes-relais** : des habitantes et habitants des
quartiers, souvent issus de l'immigration, recrutés pour faire le lien entre les familles, les écoles,
les bailleurs et les services publics. Quelques leçons :

- le poste doit être **stable** (contrat de trois ans renouvelable), sinon la confiance se perd ;
- il faut une **supervision** : ces personnes absorbent beaucoup de détresse ;
- les meilleurs résultats viennent d'actions concrètes : accompagner aux réunions parents-professeurs,
  expliquer un courrier du bailleur, organiser la fête de quartier.
""",
            ),
            (
                "thuha",
                """
Merci Nadia. À Da Nang, les étrangers sont encore peu nombreux et vivent surtout dans quelques
quartiers proches de la mer (Sơn Trà, Ngũ Hành Sơn). Les tensions viennent surtout des **loyers** qui
montent et de petits conflits de voisinage : bruit, déchets, motos.

Nous avons une ressource que vous n'avez peut-être pas : les **groupes de résidents** (tổ dân phố) et
l'**Union des femmes**, présents dans chaque rue. Ils pourraient jouer un rôle proche des
adultes-relais, s'ils sont formés à l'accueil des étrangers.
""",
            ),
            (
                "julien",
                """
C'est une belle ressource. Une précaution : un médiateur doit être perçu comme **neutre**. Si le groupe
de résidents est aussi celui qui contrôle les déclarations de résidence, les étrangers s'en
méfieront. Chez nous, les adultes-relais n'ont aucun rôle de contrôle, et c'est écrit dans leur fiche
de poste.
""",
                {"👍": ["nadia"]},
            ),
            (
                "thuha",
                """
Remarque très juste. Nous proposerons un **binôme** : une personne de l'Union des femmes et un ou une
bénévole étranger installé depuis longtemps. Premier essai à Sơn Trà au second semestre.
""",
                {"❤️": ["nadia", "julien"]},
            ),
        ],
    ),
    dict(
        key="md-guide",
        space="marseille-danang",
        lang="en",
        title="What goes into a newcomer guide for foreign residents?",
        themes=["integration", "social-services"],
        messages=[
            (
                "thuha",
                """
Da Nang's Department of Foreign Affairs is preparing its first **guide for foreign residents** (print
and web, in Vietnamese, English, Korean and Chinese). Draft contents:

1. Temporary residence declaration and visas
2. Work permits and exemptions
3. Health insurance, and hospitals with foreign-language services
4. Schools, public and international
5. Renting, utilities, motorbike licences
6. Emergency numbers (113 police, 114 fire, 115 ambulance)

What is missing? What did people in Marseille actually use?
""",
            ),
            (
                "nadia",
                """
Three things people ask us for constantly, and which guides usually forget:

- **how to complain** when something goes wrong (a landlord, an employer, an official), and that
  complaining will not cost them their visa;
- **where to learn the language** for free or cheaply;
- a page on **everyday life**: sorting waste, opening hours, what is rude and what is not. It sounds
  trivial, but neighbour conflicts start there.

And keep the web version up to date: a guide with wrong phone numbers does more harm than no guide.
""",
                {"👍": ["thuha", "quan"]},
            ),
            (
                "julien",
                """
From the health side: add **mental health** and **sexual and reproductive health** services, and say
clearly whether they are confidential. For tone, the [Welcome to France](https://www.welcometofrance.com)
site and the [OFII](https://www.ofii.fr) welcome booklet are good models.
""",
            ),
            (
                "quan",
                """
And a page on **workers' rights** with the labour hotline — see the other thread. Chị Hà, em đề nghị
thêm mục này vào chương 2.
""",
            ),
        ],
    ),
    # ---- Open forum (readable by the whole network) ------------------------------------------
    dict(
        key="of-welcome",
        space="open-forum",
        lang="en",
        pinned=True,
        title="Welcome to the open forum — read this first",
        themes=["employment"],
        messages=[
            (
                "hanna",
                """
Welcome! This space is **readable by everyone on Citybridge**, not only its members, so it is the place
for questions other cities can learn from too.

House rules:

- **Write in the language you are comfortable in.** Add a short English summary if you can; nobody
  expects perfect English.
- **Share practices, not press releases:** what you did, what it cost, what went wrong.
- **No personal data about migrants:** no names, photos or case details that could identify someone.
- **Mention colleagues** with @ to bring them into a thread — @{ilse} moderates this space.

Good practices discussed here can be written up as practice records in the library, so the whole
network can find them.
""",
            ),
            (
                "ilse",
                """
Thank you @{hanna}. I'll keep an eye on the forum; ping me if a discussion should move to a
members-only space.
""",
            ),
            (
                "siriporn",
                """
Thank you, happy to join. Our team in Chiang Mai will write mostly in English, sometimes in Thai for
internal notes. สวัสดีค่ะทุกคน 🙏
""",
                {"👋": ["ilse", "karim", "quan"]},
            ),
        ],
    ),
    dict(
        key="of-uitzendbureaus",
        space="open-forum",
        lang="nl",
        title="Arbeidsuitbuiting via uitzendbureaus: wat werkt in Rotterdam en Antwerpen?",
        themes=["labour-exploitation", "housing"],
        messages=[
            (
                "ilse",
                """
Beste collega's, een vraag die ik in het Nederlands stel omdat ze over onze twee systemen gaat; een
Engelse samenvatting volgt.

In Rotterdam wonen naar schatting **40.000 arbeidsmigranten** uit Midden- en Oost-Europa, velen via
uitzendbureaus in de logistiek en de glastuinbouw. Het grootste probleem: **huisvesting gekoppeld aan
het arbeidscontract**. Wie ziek wordt of klaagt, verliest baan én bed tegelijk.

Wat we doen:

- een **vergunningplicht** voor verhuurders die kamers aan arbeidsmigranten verhuren;
- samen met de [Nederlandse Arbeidsinspectie](https://www.nlarbeidsinspectie.nl) **integrale
  controles** op adressen;
- een meldpunt in het Pools, Roemeens en Bulgaars.

@{karim}, hoe pakt Antwerpen dit aan? Jullie hebben toch ook veel detachering via onderaannemers in de
haven?
""",
            ),
            (
                "karim",
                """
Klopt, Ilse. In Antwerpen zien we het vooral bij **detachering**: werknemers van buitenlandse
onderaannemers in de haven en de bouw, met lonen die op papier kloppen maar waar achteraf "kosten" van
afgaan.

- De federale **sociale inspectie** heeft een eigen aanpak van sociale dumping, en er zijn nu
  gezamenlijke controles met de stad op woningen.
- Slachtoffers van mensenhandel en economische uitbuiting worden begeleid door
  [Payoke](https://www.payoke.be), met een verblijfsprocedure als ze meewerken.
- Ons loket geeft info in het Pools, Roemeens en Bulgaars: vaak de eerste plek waar iemand durft te
  vertellen wat er gebeurt.

Wat bij ons ontbreekt, is een vergunningplicht zoals bij jullie. Hoeveel controleurs hebben jullie?
""",
                {"👍": ["ilse", "emre"]},
            ),
            (
                "ilse",
                """
Zes voltijdse controleurs voor de hele stad, plus de inspectie. Niet genoeg, maar de vergunningplicht
verschuift de bewijslast: de verhuurder moet aantonen dat alles in orde is.

**English summary** for @{siriporn}, @{anan} and @{quan}:

> Rotterdam and Antwerp both see exploitation of EU labour migrants through temporary work agencies and
> subcontractors. The main lever is **housing tied to the job**: Rotterdam requires a permit for
> landlords who rent rooms to labour migrants and runs joint inspections with the national labour
> inspectorate; Antwerp relies on the federal social inspection and refers victims to Payoke, an NGO,
> with a residence procedure for victims who cooperate.
""",
                {"🙏": ["siriporn", "quan"]},
            ),
            (
                "emre",
                """
Nog één aanvulling vanuit Economie: we praten met de uitzendbranche over een **keurmerk** dat alleen
geldt als de huisvesting losstaat van het contract. De grote bureaus zijn positief, de kleine nog niet.
""",
            ),
        ],
    ),
    dict(
        key="of-chiangmai",
        space="open-forum",
        lang="en",
        title="Myanmar workers in Chiang Mai: registration, pink cards and what a city can do",
        themes=["labour-exploitation", "employment", "health"],
        messages=[
            (
                "siriporn",
                """
A question for the whole network. Chiang Mai province has well over **100,000 registered migrant
workers**, most from Myanmar and many of them Shan, plus many who are not registered. Since the 2021
coup more young people and families arrive, and since 2024 some are fleeing conscription.

Registration is national: workers come either through the **MoU system** (recruited in Myanmar with a
passport and visa) or through registration rounds that give a **pink card** tied to an employer. Both
are expensive and slow, and workers depend on brokers.

What the municipality does today:

- **migrant health volunteers** who speak Shan and Burmese, linked to our health centres;
- **schooling**: Thai public schools accept all children regardless of status (Education for All
  policy, 2005);
- and we are thinking about a **municipal information desk**.

For cities with long experience: what should a small municipal team do *first*?
""",
            ),
            (
                "anan",
                """
คุณศิริพรครับ ผมส่งตัวเลขล่าสุดจากสำนักงานจัดหางานจังหวัดให้ทางอีเมลแล้วนะครับ

*(For colleagues: I sent Siriporn the latest figures from the Provincial Employment Office.)* Short
version: registrations grew by about a quarter in two years, mostly in construction, agriculture and
services.
""",
            ),
            (
                "ilse",
                """
From Rotterdam, the first thing I'd do: **an information point that is not the immigration office**,
staffed by people who speak Shan and Burmese, in a place workers already go — a market, a temple, a
clinic. Complaints, health and schooling all flow from people trusting one door.

Second: **know your numbers by neighbourhood**, not only by province. We only started targeting
inspections well once we mapped where agency workers actually live.
""",
                {"👍": ["siriporn", "anan", "karim"]},
            ),
            (
                "karim",
                """
Agree with @{ilse}. From Antwerp I'd add: **interpreting before translation**. A budget for phone
interpreters in Shan and Burmese for your health centres and schools is worth more than translated
brochures in the first year.
""",
            ),
            (
                "quan",
                """
Very relevant for Da Nang too — we are where Chiang Mai was ten years ago. @{siriporn}, how do you deal
with the brokers? Do employers pay the registration fees, or the workers?
""",
            ),
            (
                "siriporn",
                """
Officially many fees are the employer's under the MoU, but in practice workers often repay them through
**wage deductions**, plus the broker's fee. The province now publishes the **official fee list in
Burmese and Shan on Facebook**, which is where workers get their information. Simple, but calls to the
hotline doubled.
""",
                {"💡": ["ilse", "quan"]},
            ),
        ],
    ),
    dict(
        key="of-entrepreneurs",
        space="open-forum",
        lang="en",
        title="Migrant entrepreneurs on the high street: Rotterdam's approach",
        themes=["migrant-entrepreneurship"],
        messages=[
            (
                "emre",
                """
Some context from Rotterdam: roughly **one in three new businesses** in the city is started by someone
with a migration background — bakeries, barbers, logistics, IT. For years the city treated them mainly
as an enforcement matter (permits, hygiene). We changed approach in three ways:

1. **business coaching in the entrepreneur's own language** (Turkish, Arabic, Polish, Cape Verdean
   Creole…), delivered with local associations;
2. **microcredit** through [Qredits](https://www.qredits.nl) for people the banks turn down;
3. a **shopping-street manager** for each high street, who knows every shopkeeper by name and brings
   problems to the city *before* they become fines.

The third is the cheapest and, in my view, the most effective.
""",
            ),
            (
                "anan",
                """
In Thailand, the **Foreign Business Act** and the list of occupations reserved for Thai nationals make
it very hard for migrant workers to own a business legally. Many Shan families run food stalls in
Chiang Mai markets under a Thai partner's name. Can a city do anything when national law is the
barrier?
""",
            ),
            (
                "emre",
                """
Less than we'd like, honestly — but two things. Make **market stall rules** municipal and transparent
(who can rent a stall, at what price), so that depending on a Thai partner is less open to abuse. And
**collect evidence**: every national change Rotterdam lobbied for started with our own data on who
actually runs the businesses.
""",
            ),
            (
                "ilse",
                """
+1. And show the **Thai–Shan partnerships that work well**, not only the abuses. @{siriporn}, a good
subject for a practice record once you have a first pilot?
""",
            ),
            (
                "siriporn",
                """
Yes — we will try with the Warorot market committee. Thank you both.
""",
                {"👍": ["emre", "ilse"]},
            ),
        ],
    ),
    dict(
        key="of-media",
        space="open-forum",
        lang="en",
        title="Public perception: how do you talk about migration in local media?",
        themes=["public-perception", "intercultural-dialogue"],
        messages=[
            (
                "ilse",
                """
Migration is front-page news again in the Netherlands, often negatively. Rotterdam's communication team
works with a few simple rules:

- **Lead with the city, not the category:** "Rotterdammers who came from Poland" rather than "labour
  migrants";
- **Give journalists numbers before they ask:** a quarterly fact sheet on housing, work and language
  courses;
- **Let people speak for themselves:** we support newcomers who want to talk to the press, and never
  push anyone.

What works in your cities, especially where migration is new?
""",
            ),
            (
                "siriporn",
                """
In Thailand the turning point was a negative one: in December 2020 a COVID-19 outbreak among Myanmar
workers at a seafood market in Samut Sakhon led to a wave of **blame and hate speech** online. Chiang
Mai had smaller clusters and we saw the same reactions.

What helped: Thai employers and doctors saying publicly how much the city depends on these workers, and
health messages in Burmese and Shan that treated migrants as part of the community, not as the risk.
""",
                {"🙏": ["ilse", "karim"]},
            ),
            (
                "karim",
                """
In Antwerp we learned to **never repeat a myth in a headline** to correct it. Our communication team
publishes stories about what people do — the Ukrainian nurse at the hospital, the Afghan cook in a
school kitchen — rather than "Myth: refugees don't work".
""",
            ),
            (
                "quan",
                """
In Da Nang the local press mostly writes about foreigners as **tourists or investors**; the stories
about foreign workers are almost only about violations (no work permit, overstaying). A fact sheet like
Rotterdam's would be a good first step with our city's press office.
""",
            ),
            (
                "ilse",
                """
@{quan} happy to send you our template — it is two pages, and the hardest part is getting the same four
numbers from four departments every quarter. Start with fewer numbers, but publish them on time.
""",
                {"👍": ["quan"]},
            ),
        ],
    ),
]
