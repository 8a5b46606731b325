"""Demo content for `manage.py seed_demo`: one letter and fictional signatory organisations.

Every organisation below is invented; websites and addresses use `example.org` so that no real
site or inbox is ever linked or mailed.
"""

from __future__ import annotations

LETTER: dict[str, str] = {
    "title": "Call for an Emergency Special Session of the UN General Assembly on Syria",
    "slug": "syria-emergency-special-session",
    "recipients": "The President of the UN General Assembly and all UN Member States",
    "summary": (
        "With the Security Council unable to act because of repeated vetoes, civil-society "
        "organisations from every region call on UN Member States to convene an Emergency Special "
        'Session of the General Assembly on Syria under the "Uniting for Peace" resolution '
        "377A(V). We ask the Assembly to demand an end to attacks on civilians, hospitals and "
        "schools in Aleppo and the use of sieges, immediate and unhindered humanitarian access, "
        "and accountability for serious crimes under international law."
    ),
    "body": """\
Excellencies,

We, the undersigned civil-society organisations, working in humanitarian relief, human rights,
faith communities, academia and the labour movement across every region of the world, write to
urge you to act where the Security Council has not.

For years, the civilian population of Syria has borne the brunt of a conflict fought in open
disregard of the most basic rules of war. Nowhere has this been clearer than in **Aleppo**, where
residential neighbourhoods, markets, hospitals and schools have been struck again and again, and
where whole districts have been besieged, cut off from food, medicine and fuel. Medical workers
have been killed at their posts. Children have been killed in their classrooms. Humanitarian
convoys have been attacked or denied passage.

## The Security Council has failed to act

The Security Council bears primary responsibility for the maintenance of international peace and
security. Its own resolutions, among them resolution 2139 (2014) on humanitarian access and
resolution 2286 (2016) on the protection of medical care in armed conflict, set out what the
parties must do. Yet these demands have been ignored, and draft resolutions that would have given
them force, including the referral of the situation in Syria to the International Criminal Court,
have been blocked by the veto.

The Charter of the United Nations does not leave the membership powerless in such circumstances.
Under resolution 377A(V), *"Uniting for Peace"*, where the Security Council, because of a lack of
unanimity of its permanent members, fails to exercise its primary responsibility, the General
Assembly may consider the matter immediately, and may meet in Emergency Special Session at the
request of a majority of Member States. The Assembly has used this procedure before. The
situation in Aleppo calls for it now.

## What we ask of you

We call on Member States to **request, without delay, an Emergency Special Session of the General
Assembly on Syria**, and on the Assembly, meeting in that session, to:

1. **Demand an immediate end to attacks on civilians and civilian objects** in Aleppo and
   throughout Syria, by all parties, including attacks on hospitals, medical personnel and
   ambulances, schools, markets, water and power infrastructure, and an end to the use of
   explosive weapons with wide-area effects in populated areas.
2. **Demand an end to sieges as a method of warfare.** The starvation of civilians is prohibited
   under international humanitarian law. All parties must allow the free movement of civilians
   who wish to leave, in safety and dignity, and must never force them to do so.
3. **Demand immediate, unhindered and sustained humanitarian access**, including across conflict
   lines and borders, so that the United Nations and its impartial humanitarian partners can
   reach every person in need, and so that the sick and wounded can be evacuated for care.
4. **Ensure accountability for serious crimes under international law**, by:
    - supporting independent and impartial mechanisms that collect, preserve and analyse evidence
      of such crimes and prepare files for criminal proceedings, such as the International,
      Impartial and Independent Mechanism established by the General Assembly;
    - urging the Security Council to refer the situation in Syria to the International Criminal
      Court, and calling on permanent members to refrain from using the veto in situations
      involving mass atrocities;
    - encouraging all States to investigate and prosecute these crimes before their own courts,
      including under the principle of *universal jurisdiction*, and to cooperate with the
      Independent International Commission of Inquiry on the Syrian Arab Republic.
5. **Request the Secretary-General to report regularly to the Assembly** on compliance with these
   demands, so that the session remains seized of the matter until the violations stop.

## Why the General Assembly, and why now

International humanitarian law binds every party to this conflict, state and non-state alike. The
principles of distinction, proportionality and precaution are not aspirations; they are
obligations. When they are violated on this scale and with this persistence, silence from the
international community is read as permission.

An Emergency Special Session will not by itself end the war. It can, however, show that the
overwhelming majority of States will not accept the destruction of a city and its people as the
price of deadlock in the Security Council. It can set out clear expectations of every party, lend
political weight to humanitarian negotiations, and make plain that those responsible for serious
crimes will one day be held to account.

The people of Aleppo cannot wait for the Security Council to overcome its divisions. We urge you
to use the tools the Charter already gives you, and to act.

Respectfully,

*The undersigned organisations*
""",
}

ORGANIZATIONS: list[dict[str, str]] = [
    {
        "name": "Lanternfield Rights Collective",
        "country": "GB",
        "city": "Manchester",
        "website": "https://lanternfield.example.org",
        "kind": "ngo",
        "contact_name": "Imogen Hartwell",
        "email": "contact@lanternfield.example.org",
        "comment": "Civilians must never be the price of political deadlock.",
    },
    {
        "name": "Réseau Ouest-Africain des Veilleurs pour la Paix",
        "country": "SN",
        "city": "Saint-Louis",
        "website": "https://veilleurs-paix.example.org",
        "kind": "network",
        "contact_name": "Aminata Ndoye-Faye",
        "email": "contact@veilleurs-paix.example.org",
        "comment": "",
    },
    {
        "name": "Friends & Neighbours for Civilian Protection",
        "country": "CA",
        "city": "Winnipeg",
        "website": "https://friends-neighbours.example.org",
        "kind": "ngo",
        "contact_name": "Douglas Marchetti",
        "email": "contact@friends-neighbours.example.org",
        "comment": "The General Assembly has the tools. It should use them.",
    },
    {
        "name": "جمعية الجسور للإغاثة الإنسانية",
        "country": "LB",
        "city": "Tripoli",
        "website": "https://jusour-relief.example.org",
        "kind": "ngo",
        "contact_name": "Rania Haddad",
        "email": "contact@jusour-relief.example.org",
        "comment": "Our teams see every day what the absence of access means.",
    },
    {
        "name": "مرصد الياسمين للعدالة والمساءلة",
        "country": "JO",
        "city": "Irbid",
        "website": "https://yasmine-observatory.example.org",
        "kind": "ngo",
        "contact_name": "Khaled Al-Masri",
        "email": "contact@yasmine-observatory.example.org",
        "comment": "",
    },
    {
        "name": "平和と人間の安全保障を考える市民フォーラム",
        "country": "JP",
        "city": "Kyoto",
        "website": "https://heiwa-shimin-forum.example.org",
        "kind": "network",
        "contact_name": "Haruka Tanabe",
        "email": "contact@heiwa-shimin-forum.example.org",
        "comment": "",
    },
    {
        "name": "달빛다리 평화연대",
        "country": "KR",
        "city": "Gwangju",
        "website": "https://dalbit-bridge.example.org",
        "kind": "network",
        "contact_name": "Seo-yeon Park",
        "email": "contact@dalbit-bridge.example.org",
        "comment": "",
        "status": "pending",
    },
    {
        "name": "Stichting Brugwachters voor Burgers",
        "country": "NL",
        "city": "Utrecht",
        "website": "https://brugwachters.example.org",
        "kind": "foundation",
        "contact_name": "Femke van Rijswijk",
        "email": "contact@brugwachters.example.org",
        "comment": "",
    },
    {
        "name": "Kimbilio Legal Aid & Advocacy Centre",
        "country": "KE",
        "city": "Nairobi",
        "website": "https://kimbilio-legal.example.org",
        "kind": "ngo",
        "contact_name": "Wanjiru Otieno",
        "email": "contact@kimbilio-legal.example.org",
        "comment": "Accountability is not optional.",
        "status": "pending",
    },
    {
        "name": "Mosaic Ridge Humanitarian Trust",
        "country": "ZA",
        "city": "Durban",
        "website": "https://mosaic-ridge.example.org",
        "kind": "foundation",
        "contact_name": "Thandeka Mthembu",
        "email": "contact@mosaic-ridge.example.org",
        "comment": "",
    },
    {
        "name": "Centro de Estudios sobre Derecho Humanitario «Ceibo Azul»",
        "country": "AR",
        "city": "Córdoba",
        "website": "https://ceibo-azul.example.org",
        "kind": "academic",
        "contact_name": "Valentina Ibarguren",
        "email": "contact@ceibo-azul.example.org",
        "comment": "Sieges are prohibited as a method of starving civilians. Say so plainly.",
    },
    {
        "name": "Coletivo Maré Alta pelos Direitos Humanos",
        "country": "BR",
        "city": "Recife",
        "website": "https://mare-alta.example.org",
        "kind": "ngo",
        "contact_name": "João Batista Albuquerque",
        "email": "contact@mare-alta.example.org",
        "comment": "",
    },
    {
        "name": "Red Colibrí de Acompañamiento Civil",
        "country": "MX",
        "city": "Oaxaca",
        "website": "https://red-colibri.example.org",
        "kind": "network",
        "contact_name": "Ximena Cruz Ledesma",
        "email": "contact@red-colibri.example.org",
        "comment": "",
    },
    {
        "name": "Wattle Street Interfaith Council for Refugees",
        "country": "AU",
        "city": "Melbourne",
        "website": "https://wattle-street.example.org",
        "kind": "faith_based",
        "contact_name": "Rev. Margaret O'Loughlin",
        "email": "contact@wattle-street.example.org",
        "comment": "We stand with every family in Aleppo, whatever their faith.",
    },
    {
        "name": "Tidewater Peace Trust Aotearoa",
        "country": "NZ",
        "city": "Wellington",
        "website": "https://tidewater-peace.example.org",
        "kind": "foundation",
        "contact_name": "Aroha Te Rangi",
        "email": "contact@tidewater-peace.example.org",
        "comment": "",
    },
    {
        "name": "Pacific Lagoon Solidarity Network",
        "country": "FJ",
        "city": "Suva",
        "website": "https://lagoon-solidarity.example.org",
        "kind": "network",
        "contact_name": "Losana Vakaloloma",
        "email": "contact@lagoon-solidarity.example.org",
        "comment": "Small states have a voice in the Assembly too.",
    },
    {
        "name": "Ljusbro Institutet för Folkrätt",
        "country": "SE",
        "city": "Uppsala",
        "website": "https://ljusbro.example.org",
        "kind": "academic",
        "contact_name": "Astrid Lindqvist-Öberg",
        "email": "contact@ljusbro.example.org",
        "comment": "",
    },
    {
        "name": "Verein Grünspan für humanitäres Völkerrecht",
        "country": "DE",
        "city": "Leipzig",
        "website": "https://gruenspan-voelkerrecht.example.org",
        "kind": "ngo",
        "contact_name": "Jörg Mühlenbeck",
        "email": "contact@gruenspan-voelkerrecht.example.org",
        "comment": "Universal jurisdiction works. More States should use it.",
    },
    {
        "name": "Associazione Lume Aperto",
        "country": "IT",
        "city": "Bologna",
        "website": "https://lume-aperto.example.org",
        "kind": "ngo",
        "contact_name": "Chiara Benedetti",
        "email": "contact@lume-aperto.example.org",
        "comment": "",
    },
    {
        "name": "Fundación Almendro Claro",
        "country": "ES",
        "city": "Granada",
        "website": "https://almendro-claro.example.org",
        "kind": "foundation",
        "contact_name": "Lucía Fernández Olmedo",
        "email": "contact@almendro-claro.example.org",
        "comment": "",
    },
    {
        "name": "Syndicat des Soignants Solidaires de Liège",
        "country": "BE",
        "city": "Liège",
        "website": "https://soignants-solidaires.example.org",
        "kind": "trade_union",
        "contact_name": "Benoît Lemaire",
        "email": "contact@soignants-solidaires.example.org",
        "comment": "Hospitals and health workers must never be targets.",
    },
    {
        "name": "Collectif Jasmin & Sel pour les Droits",
        "country": "TN",
        "city": "Sfax",
        "website": "https://jasmin-sel.example.org",
        "kind": "ngo",
        "contact_name": "Sonia Ben Amor",
        "email": "contact@jasmin-sel.example.org",
        "comment": "",
    },
    {
        "name": "Harmattan Interfaith Peace Circle",
        "country": "NG",
        "city": "Kaduna",
        "website": "https://harmattan-circle.example.org",
        "kind": "faith_based",
        "contact_name": "Ibrahim Danjuma Okafor",
        "email": "contact@harmattan-circle.example.org",
        "comment": "",
    },
    {
        "name": "Çınaraltı İnsani Yardım Derneği",  # noqa: RUF001 -- Turkish dotless i is correct
        "country": "TR",
        "city": "Gaziantep",
        "website": "https://cinaralti.example.org",
        "kind": "ngo",
        "contact_name": "Elif Karaçam",
        "email": "contact@cinaralti.example.org",
        "comment": "Cross-border access saves lives. It must not be held hostage.",
    },
    {
        "name": "Riverbend Scholars for International Law",
        "country": "US",
        "city": "Chicago",
        "website": "https://riverbend-scholars.example.org",
        "kind": "academic",
        "contact_name": "Prof. Nathaniel Greer",
        "email": "contact@riverbend-scholars.example.org",
        "comment": "",
    },
    {
        "name": "Corporación Guadua Viva para la Memoria",
        "country": "CO",
        "city": "Medellín",
        "website": "https://guadua-viva.example.org",
        "kind": "ngo",
        "contact_name": "Andrés Felipe Restrepo",
        "email": "contact@guadua-viva.example.org",
        "comment": "",
    },
    {
        "name": "Sindicato Interempresa Marejada",
        "country": "CL",
        "city": "Valparaíso",
        "website": "https://marejada.example.org",
        "kind": "trade_union",
        "contact_name": "Camila Soto Urrutia",
        "email": "contact@marejada.example.org",
        "comment": "",
    },
    {
        "name": "Neem Tree Collective for Humanitarian Dialogue",
        "country": "IN",
        "city": "Pune",
        "website": "https://neem-tree.example.org",
        "kind": "ngo",
        "contact_name": "Priya Deshpande",
        "email": "contact@neem-tree.example.org",
        "comment": "",
    },
    {
        "name": "Quiet Harbour Workers' Solidarity Committee",
        "country": "IE",
        "city": "Cork",
        "website": "https://quiet-harbour.example.org",
        "kind": "trade_union",
        "contact_name": "Siobhán Ó Briain",
        "email": "contact@quiet-harbour.example.org",
        "comment": "",
    },
    {
        "name": "Lakeside Forum on Civilian Protection",
        "country": "CH",
        "city": "Geneva",
        "website": "https://lakeside-forum.example.org",
        "kind": "network",
        "contact_name": "Mathilde Rochat",
        "email": "contact@lakeside-forum.example.org",
        "comment": "Uniting for Peace exists for exactly this situation.",
    },
    {
        "name": "Fjordlys Humanitarian Academy",
        "country": "NO",
        "city": "Bergen",
        "website": "https://fjordlys.example.org",
        "kind": "academic",
        "contact_name": "Sigrid Haugland",
        "email": "contact@fjordlys.example.org",
        "comment": "",
        "status": "pending",
    },
    {
        "name": "Kente Thread Women's Peace Network",
        "country": "GH",
        "city": "Kumasi",
        "website": "https://kente-thread.example.org",
        "kind": "network",
        "contact_name": "Akosua Mensah-Boateng",
        "email": "contact@kente-thread.example.org",
        "comment": "Women and children pay the highest price of every siege.",
    },
    {
        "name": "Association Atlas Clair pour les Droits Humains",
        "country": "MA",
        "city": "Rabat",
        "website": "https://atlas-clair.example.org",
        "kind": "ngo",
        "contact_name": "Youssef El Idrissi",
        "email": "contact@atlas-clair.example.org",
        "comment": "",
    },
    {
        "name": "Bayanihan Lantern Relief Alliance",
        "country": "PH",
        "city": "Cebu City",
        "website": "https://bayanihan-lantern.example.org",
        "kind": "network",
        "contact_name": "Maricel Dela Cruz",
        "email": "contact@bayanihan-lantern.example.org",
        "comment": "",
    },
    {
        "name": "Collectif Étoile du Berger pour le Droit Humanitaire",
        "country": "FR",
        "city": "Marseille",
        "website": "https://etoile-du-berger.example.org",
        "kind": "ngo",
        "contact_name": "Hélène Garnier-Aubry",
        "email": "contact@etoile-du-berger.example.org",
        "comment": "",
    },
    {
        "name": "Harborlight Documentation Project",
        "country": "US",
        "city": "Portland",
        "website": "https://harborlight.example.org",
        "kind": "other",
        "contact_name": "Jamie Okonkwo-Reyes",
        "email": "contact@harborlight.example.org",
        "comment": "Evidence preserved today is justice possible tomorrow.",
        "status": "pending",
    },
]
