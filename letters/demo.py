"""Demo content for `manage.py seed_demo`: one letter, its translations, and fictional signatory
organisations.

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

# The whole letter in each of the site's other languages, as `LetterTranslation` rows: the
# same Markdown (headings, lists, emphasis), translated in full in the original's register.
TRANSLATIONS: dict[str, dict[str, str]] = {
    "pt-br": {
        "title": (
            "Apelo por uma sessão especial de emergência da Assembleia Geral das Nações Unidas "
            "sobre a Síria"
        ),
        "recipients": (
            "A Presidência da Assembleia Geral das Nações Unidas e todos os Estados-membros da ONU"
        ),
        "summary": (
            "Diante de um Conselho de Segurança incapaz de agir em razão de sucessivos vetos, "
            "organizações da sociedade civil de todas as regiões do mundo apelam aos "
            "Estados-membros da ONU para que convoquem uma sessão especial de emergência da "
            'Assembleia Geral sobre a Síria, com base na resolução 377 A (V), "União pela Paz". '
            "Pedimos que a Assembleia exija o fim dos ataques contra civis, hospitais e escolas em "
            "Alepo e do uso de cercos, acesso humanitário imediato e desimpedido, e a "
            "responsabilização por crimes graves de direito internacional."
        ),
        "body": """\
Excelências,

Nós, as organizações da sociedade civil abaixo assinadas, que atuamos na ajuda humanitária, nos
direitos humanos, em comunidades de fé, no meio acadêmico e no movimento sindical em todas as
regiões do mundo, escrevemos para instar Vossas Excelências a agir onde o Conselho de Segurança não
agiu.

Há anos, a população civil da Síria suporta o peso de um conflito travado em flagrante desrespeito
às regras mais básicas da guerra. Em nenhum lugar isso ficou mais evidente do que em **Alepo**,
onde bairros residenciais, mercados, hospitais e escolas foram atingidos repetidas vezes, e onde
distritos inteiros foram sitiados, privados de alimentos, medicamentos e combustível. Profissionais
de saúde foram mortos em seus postos. Crianças foram mortas em suas salas de aula. Comboios
humanitários foram atacados ou tiveram a passagem negada.

## O Conselho de Segurança deixou de agir

O Conselho de Segurança tem a responsabilidade primordial pela manutenção da paz e da segurança
internacionais. Suas próprias resoluções, entre elas a resolução 2139 (2014), sobre o acesso
humanitário, e a resolução 2286 (2016), sobre a proteção da assistência médica em conflitos
armados, estabelecem o que as partes devem fazer. No entanto, essas exigências foram ignoradas, e
os projetos de resolução que lhes teriam dado força, inclusive o encaminhamento da situação na
Síria ao Tribunal Penal Internacional, foram bloqueados pelo veto.

A Carta das Nações Unidas não deixa os Estados-membros impotentes em tais circunstâncias. Nos
termos da resolução 377 A (V), *"União pela Paz"*, quando o Conselho de Segurança, por falta de
unanimidade entre seus membros permanentes, deixa de exercer sua responsabilidade primordial, a
Assembleia Geral pode examinar a questão imediatamente e reunir-se em sessão especial de emergência
a pedido da maioria dos Estados-membros. A Assembleia já recorreu a esse procedimento antes. A
situação em Alepo o exige agora.

## O que pedimos a Vossas Excelências

Apelamos aos Estados-membros para que **solicitem, sem demora, uma sessão especial de emergência da
Assembleia Geral sobre a Síria**, e à Assembleia, reunida nessa sessão, para que:

1. **Exija de todas as partes o fim imediato dos ataques contra civis e bens civis** em Alepo e em
   toda a Síria, incluindo os ataques contra hospitais, pessoal médico e ambulâncias, escolas,
   mercados e infraestrutura de água e energia, e o fim do uso de armas explosivas com efeitos de
   área ampla em áreas povoadas.
2. **Exija o fim dos cercos como método de guerra.** Submeter civis à fome é proibido pelo direito
   internacional humanitário. Todas as partes devem permitir a livre circulação dos civis que
   desejem sair, com segurança e dignidade, e jamais devem forçá-los a fazê-lo.
3. **Exija acesso humanitário imediato, desimpedido e contínuo**, inclusive através das linhas de
   conflito e das fronteiras, para que as Nações Unidas e seus parceiros humanitários imparciais
   possam alcançar todas as pessoas necessitadas, e para que os doentes e feridos possam ser
   evacuados para receber atendimento.
4. **Garanta a responsabilização por crimes graves de direito internacional**, ao:
    - apoiar mecanismos independentes e imparciais que coletem, preservem e analisem provas desses
      crimes e preparem dossiês para processos criminais, como o Mecanismo Internacional, Imparcial
      e Independente criado pela Assembleia Geral;
    - instar o Conselho de Segurança a remeter a situação na Síria ao Tribunal Penal Internacional,
      e exortar os membros permanentes a se absterem de usar o veto em situações que envolvam
      atrocidades em massa;
    - incentivar todos os Estados a investigar e processar esses crimes em seus próprios tribunais,
      inclusive com base no princípio da *jurisdição universal*, e a cooperar com a Comissão
      Internacional Independente de Inquérito sobre a República Árabe da Síria.
5. **Solicite ao Secretário-Geral que informe regularmente a Assembleia** sobre o cumprimento
   dessas exigências, para que a sessão continue a ocupar-se da questão até que as violações
   cessem.

## Por que a Assembleia Geral, e por que agora

O direito internacional humanitário vincula todas as partes neste conflito, estatais e não
estatais. Os princípios da distinção, da proporcionalidade e da precaução não são aspirações; são
obrigações. Quando são violados nessa escala e com essa persistência, o silêncio da comunidade
internacional é interpretado como permissão.

Uma sessão especial de emergência não porá fim à guerra por si só. Pode, no entanto, mostrar que a
esmagadora maioria dos Estados não aceitará a destruição de uma cidade e de seu povo como preço do
impasse no Conselho de Segurança. Pode estabelecer expectativas claras para cada parte, dar peso
político às negociações humanitárias e deixar evidente que os responsáveis por crimes graves um dia
responderão por eles.

A população de Alepo não pode esperar que o Conselho de Segurança supere suas divisões. Instamos
Vossas Excelências a usar os instrumentos que a Carta já lhes confere, e a agir.

Respeitosamente,

*As organizações signatárias*
""",
    },
    "es": {
        "title": (
            "Llamamiento a un período extraordinario de sesiones de emergencia de la Asamblea "
            "General de las Naciones Unidas sobre Siria"
        ),
        "recipients": (
            "La Presidencia de la Asamblea General de las Naciones Unidas y todos los Estados "
            "Miembros de la ONU"
        ),
        "summary": (
            "Ante un Consejo de Seguridad paralizado por vetos reiterados, organizaciones de la "
            "sociedad civil de todas las regiones instan a los Estados Miembros de la ONU a "
            "convocar un período extraordinario de sesiones de emergencia de la Asamblea General "
            "sobre Siria, en virtud de la resolución 377 A (V), «Unión pro paz». Pedimos a la "
            "Asamblea que exija el fin de los ataques contra la población civil, los hospitales y "
            "las escuelas de Alepo y del recurso a los asedios, un acceso humanitario inmediato y "
            "sin trabas, y la rendición de cuentas por los crímenes graves de derecho "
            "internacional."
        ),
        "body": """\
Excelencias:

Las organizaciones de la sociedad civil abajo firmantes, que trabajamos en los ámbitos de la ayuda
humanitaria, los derechos humanos, las comunidades de fe, el mundo académico y el movimiento
sindical en todas las regiones del mundo, nos dirigimos a ustedes para instarles a actuar allí
donde el Consejo de Seguridad no lo ha hecho.

Durante años, la población civil de Siria ha soportado lo peor de un conflicto librado con abierto
desprecio de las normas más elementales de la guerra. En ningún lugar ha quedado esto más patente
que en **Alepo**, donde barrios residenciales, mercados, hospitales y escuelas han sido atacados
una y otra vez, y donde distritos enteros han sido sitiados y privados de alimentos, medicamentos y
combustible. Trabajadores sanitarios han perdido la vida en sus puestos. Niñas y niños han muerto
en sus aulas. Convoyes humanitarios han sido atacados o se les ha negado el paso.

## El Consejo de Seguridad no ha actuado

El Consejo de Seguridad tiene la responsabilidad primordial de mantener la paz y la seguridad
internacionales. Sus propias resoluciones, entre ellas la resolución 2139 (2014), sobre el acceso
humanitario, y la resolución 2286 (2016), sobre la protección de la atención médica en los
conflictos armados, establecen lo que las partes deben hacer. Sin embargo, esas exigencias se han
desoído, y los proyectos de resolución que les habrían dado fuerza, incluida la remisión de la
situación en Siria a la Corte Penal Internacional, han sido bloqueados por el veto.

La Carta de las Naciones Unidas no deja a los Miembros de la Organización sin medios de acción en
tales circunstancias. Con arreglo a la resolución 377 A (V), *«Unión pro paz»*, cuando el Consejo
de Seguridad, por falta de unanimidad entre sus miembros permanentes, deja de cumplir su
responsabilidad primordial, la Asamblea General puede examinar inmediatamente el asunto y reunirse
en período extraordinario de sesiones de emergencia a solicitud de la mayoría de los Estados
Miembros. La Asamblea ya ha recurrido a este procedimiento. La situación de Alepo lo exige ahora.

## Lo que les pedimos

Exhortamos a los Estados Miembros a **solicitar sin demora un período extraordinario de sesiones de
emergencia de la Asamblea General sobre Siria**, y a la Asamblea, reunida en ese período de
sesiones, a:

1. **Exigir a todas las partes que pongan fin de inmediato a los ataques contra la población civil
   y los bienes de carácter civil** en Alepo y en toda Siria, incluidos los ataques contra
   hospitales, personal médico y ambulancias, escuelas, mercados e infraestructuras de agua y
   electricidad, así como al uso de armas explosivas con efectos de área amplia en zonas pobladas.
2. **Exigir que se ponga fin a los asedios como método de guerra.** Hacer padecer hambre a la
   población civil está prohibido por el derecho internacional humanitario. Todas las partes deben
   permitir la libre circulación de los civiles que deseen marcharse, en condiciones de seguridad y
   dignidad, y nunca deben obligarlos a hacerlo.
3. **Exigir un acceso humanitario inmediato, sin trabas y sostenido**, incluso a través de las
   líneas de conflicto y las fronteras, para que las Naciones Unidas y sus asociados humanitarios
   imparciales puedan llegar a todas las personas necesitadas, y para que los enfermos y heridos
   puedan ser evacuados y recibir atención.
4. **Garantizar la rendición de cuentas por los crímenes graves de derecho internacional**, para lo
   cual es preciso:
    - apoyar los mecanismos independientes e imparciales que reúnen, preservan y analizan pruebas
      de esos crímenes y preparan expedientes para procesos penales, como el Mecanismo
      Internacional, Imparcial e Independiente establecido por la Asamblea General;
    - instar al Consejo de Seguridad a que remita la situación en Siria a la Corte Penal
      Internacional, y exhortar a los miembros permanentes a que se abstengan de recurrir al veto
      en situaciones de atrocidades masivas;
    - alentar a todos los Estados a que investiguen y enjuicien estos crímenes ante sus propios
      tribunales, incluso en virtud del principio de *jurisdicción universal*, y a que cooperen con
      la Comisión Internacional Independiente de Investigación sobre la República Árabe Siria.
5. **Solicitar al Secretario General que informe periódicamente a la Asamblea** sobre el
   cumplimiento de estas exigencias, de modo que el período de sesiones siga ocupándose de la
   cuestión hasta que cesen las violaciones.

## Por qué la Asamblea General, y por qué ahora

El derecho internacional humanitario obliga a todas las partes en este conflicto, sean estatales o
no estatales. Los principios de distinción, proporcionalidad y precaución no son aspiraciones; son
obligaciones. Cuando se vulneran a esta escala y con esta persistencia, el silencio de la comunidad
internacional se interpreta como un permiso.

Un período extraordinario de sesiones de emergencia no pondrá fin por sí solo a la guerra. Sin
embargo, puede demostrar que la inmensa mayoría de los Estados no aceptará la destrucción de una
ciudad y de su gente como precio del bloqueo en el Consejo de Seguridad. Puede fijar expectativas
claras para cada una de las partes, dar peso político a las negociaciones humanitarias y dejar
patente que los responsables de crímenes graves tendrán que rendir cuentas algún día.

La población de Alepo no puede esperar a que el Consejo de Seguridad supere sus divisiones. Les
instamos a utilizar los instrumentos que la Carta ya pone a su disposición, y a actuar.

Respetuosamente,

*Las organizaciones firmantes*
""",
    },
    "fr": {
        "title": (
            "Appel à la convocation d'une session extraordinaire d'urgence de l'Assemblée générale "
            "des Nations Unies sur la Syrie"
        ),
        "recipients": (
            "Le Président de l'Assemblée générale des Nations Unies et l'ensemble des États "
            "Membres de l'ONU"
        ),
        "summary": (
            "Face à un Conseil de sécurité paralysé par des vetos répétés, des organisations de la "
            "société civile de toutes les régions appellent les États Membres de l'ONU à convoquer "
            "une session extraordinaire d'urgence de l'Assemblée générale sur la Syrie, au titre "
            "de la résolution 377 A (V), « L'union pour le maintien de la paix ». Nous demandons à "
            "l'Assemblée d'exiger la fin des attaques contre les civils, les hôpitaux et les "
            "écoles d'Alep et du recours aux sièges, un accès humanitaire immédiat et sans "
            "entrave, et l'établissement des responsabilités pour les crimes graves de droit "
            "international."
        ),
        "body": """\
Excellences,

Nous, organisations de la société civile soussignées, œuvrant dans les domaines de l'aide
humanitaire, des droits humains, des communautés religieuses, du monde universitaire et du
mouvement syndical dans toutes les régions du monde, vous écrivons pour vous exhorter à agir là où
le Conseil de sécurité ne l'a pas fait.

Depuis des années, la population civile de Syrie subit de plein fouet un conflit mené au mépris
flagrant des règles les plus élémentaires de la guerre. Nulle part cela n'a été plus manifeste qu'à
**Alep**, où des quartiers d'habitation, des marchés, des hôpitaux et des écoles ont été frappés
encore et encore, et où des quartiers entiers ont été assiégés, privés de nourriture, de
médicaments et de carburant. Des soignants ont été tués à leur poste. Des enfants ont été tués dans
leur salle de classe. Des convois humanitaires ont été attaqués ou se sont vu refuser le passage.

## Le Conseil de sécurité n'a pas agi

Le Conseil de sécurité a la responsabilité principale du maintien de la paix et de la sécurité
internationales. Ses propres résolutions, parmi lesquelles la résolution 2139 (2014) sur l'accès
humanitaire et la résolution 2286 (2016) sur la protection des soins médicaux dans les conflits
armés, énoncent ce que les parties doivent faire. Ces exigences ont pourtant été ignorées, et les
projets de résolution qui leur auraient donné force, notamment celui qui aurait déféré la situation
en Syrie à la Cour pénale internationale, ont été bloqués par le veto.

La Charte des Nations Unies ne laisse pas les Membres de l'Organisation impuissants en pareilles
circonstances. Aux termes de la résolution 377 A (V), *« L'union pour le maintien de la paix »*,
lorsque le Conseil de sécurité, du fait que l'unanimité n'a pas pu se réaliser parmi ses membres
permanents, manque à s'acquitter de sa responsabilité principale, l'Assemblée générale peut
examiner immédiatement la question et se réunir en session extraordinaire d'urgence à la demande de
la majorité des États Membres. L'Assemblée a déjà eu recours à cette procédure. La situation à Alep
l'exige aujourd'hui.

## Ce que nous vous demandons

Nous appelons les États Membres à **demander sans délai la convocation d'une session extraordinaire
d'urgence de l'Assemblée générale sur la Syrie**, et l'Assemblée, réunie en cette session, à :

1. **Exiger de toutes les parties qu'elles mettent immédiatement fin aux attaques contre les civils
   et les biens de caractère civil** à Alep et dans toute la Syrie, y compris aux attaques contre
   les hôpitaux, le personnel médical et les ambulances, les écoles, les marchés et les
   infrastructures d'eau et d'électricité, ainsi qu'à l'utilisation d'armes explosives à large
   rayon d'impact dans les zones peuplées.
2. **Exiger qu'il soit mis fin aux sièges comme méthode de guerre.** Le fait d'affamer des civils
   est interdit par le droit international humanitaire. Toutes les parties doivent permettre aux
   civils qui souhaitent partir de circuler librement, en sécurité et dans la dignité, et ne
   doivent jamais les y contraindre.
3. **Exiger un accès humanitaire immédiat, sans entrave et durable**, y compris à travers les
   lignes de front et les frontières, afin que l'Organisation des Nations Unies et ses partenaires
   humanitaires impartiaux puissent atteindre chaque personne dans le besoin, et que les malades et
   les blessés puissent être évacués pour recevoir des soins.
4. **Veiller à ce que les auteurs de crimes graves de droit international répondent de leurs
   actes**, en :
    - soutenant les mécanismes indépendants et impartiaux qui recueillent, préservent et analysent
      les éléments de preuve de ces crimes et constituent des dossiers en vue de poursuites
      pénales, tels que le Mécanisme international, impartial et indépendant créé par l'Assemblée
      générale ;
    - exhortant le Conseil de sécurité à déférer la situation en Syrie à la Cour pénale
      internationale, et en appelant les membres permanents à s'abstenir de recourir au veto dans
      les situations d'atrocités de masse ;
    - encourageant tous les États à enquêter sur ces crimes et à en poursuivre les auteurs devant
      leurs propres juridictions, y compris en vertu du principe de *compétence universelle*, et à
      coopérer avec la Commission d'enquête internationale indépendante sur la République arabe
      syrienne.
5. **Prier le Secrétaire général de faire régulièrement rapport à l'Assemblée** sur le respect de
   ces exigences, afin que la session reste saisie de la question jusqu'à ce que les violations
   cessent.

## Pourquoi l'Assemblée générale, et pourquoi maintenant

Le droit international humanitaire lie toutes les parties à ce conflit, étatiques comme non
étatiques. Les principes de distinction, de proportionnalité et de précaution ne sont pas des
aspirations : ce sont des obligations. Lorsqu'ils sont violés à une telle échelle et avec une telle
persistance, le silence de la communauté internationale est perçu comme un blanc-seing.

Une session extraordinaire d'urgence ne mettra pas fin à elle seule à la guerre. Elle peut
toutefois montrer que l'écrasante majorité des États n'acceptera pas que la destruction d'une ville
et de sa population soit le prix de l'impasse au Conseil de sécurité. Elle peut énoncer clairement
ce qui est attendu de chaque partie, donner un poids politique aux négociations humanitaires et
signifier sans ambiguïté que les responsables de crimes graves devront un jour rendre des comptes.

La population d'Alep ne peut pas attendre que le Conseil de sécurité surmonte ses divisions. Nous
vous exhortons à faire usage des instruments que la Charte vous confère déjà, et à agir.

Veuillez agréer, Excellences, l'assurance de notre très haute considération.

*Les organisations signataires*
""",
    },
    "ar": {
        "title": "نداء لعقد دورة استثنائية طارئة للجمعية العامة للأمم المتحدة بشأن سوريا",
        "recipients": "رئيس الجمعية العامة للأمم المتحدة وجميع الدول الأعضاء في الأمم المتحدة",
        "summary": (
            "في ظل عجز مجلس الأمن عن التحرك بسبب استخدام حق النقض (الفيتو) مرارًا، تدعو منظمات "
            "المجتمع المدني من جميع مناطق العالم الدول الأعضاء في الأمم المتحدة إلى عقد دورة "
            "استثنائية طارئة للجمعية العامة بشأن سوريا بموجب القرار 377 ألف (د-5) المعروف بقرار "
            "«الاتحاد من أجل السلام». ونحث الجمعية العامة على المطالبة بوقف الهجمات على المدنيين "
            "والمستشفيات والمدارس في حلب ووقف اللجوء إلى الحصار، وبإتاحة وصول المساعدات الإنسانية "
            "فورًا ودون عوائق، وبمحاسبة المسؤولين عن الجرائم الخطيرة بموجب القانون الدولي."
        ),
        "body": """\
أصحاب السعادة،

نحن منظمات المجتمع المدني الموقعة أدناه، العاملة في مجالات الإغاثة الإنسانية وحقوق الإنسان
والمجتمعات الدينية والأوساط الأكاديمية والحركة النقابية في جميع مناطق العالم، نكتب إليكم لنحثكم على
التحرك حيث لم يتحرك مجلس الأمن.

منذ سنوات، يتحمل السكان المدنيون في سوريا العبء الأكبر لنزاع يُخاض في تجاهل صريح لأبسط قواعد الحرب.
ولم يتجلَّ ذلك في أي مكان بوضوح أكبر مما تجلى في **حلب**، حيث تعرضت الأحياء السكنية والأسواق
والمستشفيات والمدارس للقصف مرة تلو الأخرى، وفُرض الحصار على أحياء بأكملها فقُطعت عنها الأغذية
والأدوية والوقود. لقد قُتل عاملون في المجال الطبي وهم في مواقع عملهم. وقُتل أطفال في فصولهم
الدراسية. وتعرضت قوافل المساعدات الإنسانية للهجوم أو مُنعت من المرور.

## لقد أخفق مجلس الأمن في التحرك

يضطلع مجلس الأمن بالمسؤولية الرئيسية عن صون السلم والأمن الدوليين. وتحدد قراراته ذاتها ما يتعين على
الأطراف القيام به، ومنها القرار 2139 (2014) بشأن وصول المساعدات الإنسانية والقرار 2286 (2016) بشأن
حماية الرعاية الطبية في النزاعات المسلحة. غير أن هذه المطالب قوبلت بالتجاهل، وأُحبطت باستخدام حق
النقض مشاريع القرارات التي كانت ستمنحها قوة نافذة، ومنها مشروع القرار الذي كان سيحيل الحالة في
سوريا إلى المحكمة الجنائية الدولية.

ولا يترك ميثاق الأمم المتحدة الدول الأعضاء عاجزة في مثل هذه الظروف. فبموجب القرار 377 ألف (د-5)،
*«الاتحاد من أجل السلام»*، إذا أخفق مجلس الأمن، بسبب عدم توافر الإجماع بين أعضائه الدائمين، في
ممارسة مسؤوليته الرئيسية، جاز للجمعية العامة أن تنظر في المسألة على الفور، وأن تجتمع في دورة
استثنائية طارئة بناءً على طلب أغلبية الدول الأعضاء. وقد سبق للجمعية العامة أن لجأت إلى هذا الإجراء،
والوضع في حلب يستدعي اللجوء إليه الآن.

## ما نطلبه منكم

ندعو الدول الأعضاء إلى **أن تطلب، دون إبطاء، عقد دورة استثنائية طارئة للجمعية العامة بشأن سوريا**،
وندعو الجمعية العامة، في تلك الدورة، إلى ما يلي:

1. **مطالبة جميع الأطراف بالوقف الفوري للهجمات على المدنيين والأعيان المدنية** في حلب وفي جميع
   أنحاء سوريا، بما في ذلك الهجمات على المستشفيات والعاملين الطبيين وسيارات الإسعاف والمدارس
   والأسواق والبنية التحتية للمياه والكهرباء، وبوقف استخدام الأسلحة المتفجرة ذات الآثار الواسعة
   النطاق في المناطق المأهولة بالسكان.
2. **المطالبة بوقف استخدام الحصار أسلوبًا من أساليب الحرب.** فتجويع المدنيين محظور بموجب القانون
   الدولي الإنساني. ويجب على جميع الأطراف أن تسمح بحرية تنقل المدنيين الراغبين في المغادرة، في أمان
   وكرامة، وألا ترغمهم على ذلك أبدًا.
3. **المطالبة بوصول إنساني فوري ومستمر ودون عوائق**، بما في ذلك عبر خطوط النزاع والحدود، كي تتمكن
   الأمم المتحدة وشركاؤها الإنسانيون المحايدون من الوصول إلى كل شخص محتاج، وكي يتسنى إجلاء المرضى
   والجرحى لتلقي العلاج.
4. **ضمان المساءلة عن الجرائم الخطيرة بموجب القانون الدولي**، وذلك من خلال:
    - دعم الآليات المستقلة والمحايدة التي تجمع أدلة هذه الجرائم وتحفظها وتحللها وتعد الملفات
      اللازمة للإجراءات الجنائية، مثل الآلية الدولية المحايدة والمستقلة التي أنشأتها الجمعية
      العامة؛
    - حث مجلس الأمن على إحالة الحالة في سوريا إلى المحكمة الجنائية الدولية، ودعوة الأعضاء الدائمين
      إلى الامتناع عن استخدام حق النقض في الحالات التي تنطوي على فظائع جماعية؛
    - تشجيع جميع الدول على التحقيق في هذه الجرائم وملاحقة مرتكبيها أمام محاكمها الوطنية، بما في ذلك
      بموجب مبدأ *الولاية القضائية العالمية*، وعلى التعاون مع لجنة التحقيق الدولية المستقلة المعنية
      بالجمهورية العربية السورية.
5. **الطلب إلى الأمين العام أن يقدم إلى الجمعية العامة تقارير منتظمة** عن مدى الامتثال لهذه
   المطالب، كي تبقى المسألة قيد نظر الدورة إلى أن تتوقف الانتهاكات.

## لماذا الجمعية العامة، ولماذا الآن

القانون الدولي الإنساني ملزم لجميع أطراف هذا النزاع، من الدول ومن غير الدول على حد سواء. ومبادئ
التمييز والتناسب والاحتياط ليست تطلعات، بل هي التزامات. وحين تُنتهك على هذا النطاق وبهذا الإصرار،
يُفهم صمت المجتمع الدولي على أنه ضوء أخضر.

إن عقد دورة استثنائية طارئة لن يُنهي الحرب وحده، لكنه قادر على أن يُظهر أن الغالبية الساحقة من
الدول لن تقبل بتدمير مدينة وأهلها ثمنًا للجمود في مجلس الأمن. وبوسع هذه الدورة أن تحدد بوضوح ما هو
متوقع من كل طرف، وأن تمنح المفاوضات الإنسانية ثقلًا سياسيًا، وأن تؤكد بجلاء أن المسؤولين عن الجرائم
الخطيرة سيخضعون للمساءلة يومًا ما.

لا يملك أهالي حلب ترف الانتظار إلى أن يتجاوز مجلس الأمن انقساماته. ونحثكم على استخدام الأدوات التي
يمنحكم إياها الميثاق أصلًا، وعلى التحرك.

وتفضلوا بقبول فائق الاحترام،

*المنظمات الموقعة*
""",
    },
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
