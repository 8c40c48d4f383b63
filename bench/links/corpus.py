"""A labelled set for cross-language story links: short news reports in English, Chinese and Russian.

Written for this benchmark (in the style of Xinhua, TASS, RIA Novosti, Global Times, Reuters and
Indian wire copy; the events are real or modelled on real ones, the wording is ours, not copied from
any outlet). Every report belongs to one `event`; two reports in different languages are a true link
exactly when they share the event. The events are chosen to make hard negatives:

- same forum, same edition, different day or occasion (xs23_open / xs23_zhang_shoigu / xs23_shoigu_speech;
  sld24_dong_speech / sld24_austin_dong);
- same forum, different edition (xs23_open / xs24_open);
- same people, different occasion (xi_putin_informal / xi_putin_talks, one day apart; xs23_zhang_shoigu /
  li_shoigu_moscow; xs23_zhang_shoigu / xs23_shoigu_speech);
- same topic, different event within two days (ctbt_duma / ctbt_ryabkov; naval_exercise / naval_patrol).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Report:
    id: str
    event: str
    language: str
    published: str  # UTC, ISO
    title: str
    text: str


HARD_NEGATIVES = {
    frozenset({"xs23_open", "xs23_zhang_shoigu"}): "same forum edition, same day, different occasion",
    frozenset({"xs23_open", "xs23_shoigu_speech"}): "same forum edition, next day",
    frozenset({"xs23_zhang_shoigu", "xs23_shoigu_speech"}): "same people, same forum, next day",
    frozenset({"xs23_open", "xs24_open"}): "same forum, different edition",
    frozenset({"xi_putin_informal", "xi_putin_talks"}): "same people, same place, next day",
    frozenset({"xs23_zhang_shoigu", "li_shoigu_moscow"}): "same people, different occasion",
    frozenset({"sld24_dong_speech", "sld24_austin_dong"}): "same forum edition, different day",
    frozenset({"ctbt_duma", "ctbt_ryabkov"}): "same topic, next day",
    frozenset({"naval_exercise", "naval_patrol"}): "same topic, two days apart",
}

R = Report
REPORTS: list[Report] = [
    # --- 10th Beijing Xiangshan Forum opens (30 Oct 2023) ---------------------------------------------
    R(
        "xs23_open_en",
        "xs23_open",
        "en",
        "2023-10-30T03:10",
        "10th Beijing Xiangshan Forum opens, calls for common security",
        "BEIJING, Oct. 30 (Xinhua) -- The 10th Beijing Xiangshan Forum opened here on Monday with the theme of "
        "Common Security, Lasting Peace.\n"
        "Zhang Youxia, vice chairman of the Central Military Commission, addressed the opening ceremony, saying "
        "China is ready to work with all parties to implement the Global Security Initiative.\n"
        "More than 1,800 guests from over 100 countries and international organizations attended the three-day "
        "forum, the largest in its history, according to the organizers.",
    ),
    R(
        "xs23_open_zh",
        "xs23_open",
        "zh",
        "2023-10-30T02:05",
        "第十届北京香山论坛开幕 张又侠出席并致辞",
        "新华社北京10月30日电 以“共同安全 持久和平”为主题的第十届北京香山论坛30日在北京开幕。\n"
        "中央军委副主席张又侠出席开幕式并致辞。他表示，中方愿同各方一道，落实全球安全倡议，共同维护世界和平与稳定。\n"
        "据主办方介绍，来自100多个国家和国际组织的1800余名嘉宾出席本届论坛，规模创历届之最。论坛为期3天。",
    ),
    R(
        "xs23_open_ru",
        "xs23_open",
        "ru",
        "2023-10-30T04:30",
        "В Пекине открылся X Сяншаньский форум по безопасности",
        "ПЕКИН, 30 октября. /ТАСС/. X Пекинский Сяншаньский форум открылся в понедельник в столице КНР под "
        "лозунгом «Общая безопасность, прочный мир».\n"
        "С приветственной речью выступил заместитель председателя Центрального военного совета КНР Чжан Юся. "
        "По его словам, Китай готов вместе со всеми сторонами реализовывать Инициативу глобальной безопасности.\n"
        "В работе форума, который продлится три дня, участвуют более 1 800 гостей из более чем 100 стран и "
        "международных организаций.",
    ),
    # --- Zhang Youxia meets Shoigu on the sidelines (30 Oct 2023) ---------------------------------------
    R(
        "xs23_zhang_shoigu_en",
        "xs23_zhang_shoigu",
        "en",
        "2023-10-30T11:20",
        "Chinese, Russian defense chiefs hold talks in Beijing",
        "BEIJING, Oct. 30 (Xinhua) -- Zhang Youxia, vice chairman of China's Central Military Commission, met with "
        "Russian Defense Minister Sergei Shoigu in Beijing on Monday.\n"
        "Zhang said the two militaries should deepen strategic communication and expand joint exercises and "
        "patrols. Shoigu said military cooperation between Russia and China had reached an unprecedented level and "
        "that the two sides would hold more than 20 joint events in 2024.",
    ),
    R(
        "xs23_zhang_shoigu_zh",
        "xs23_zhang_shoigu",
        "zh",
        "2023-10-30T10:40",
        "张又侠会见俄罗斯国防部长绍伊古",
        "新华社北京10月30日电（记者 李国利）中央军委副主席张又侠30日在北京会见俄罗斯国防部长绍伊古。\n"
        "张又侠说，两军应深化战略沟通，拓展联演联训和联合巡航等务实合作。绍伊古表示，俄中两军合作达到前所未有的水平，"
        "双方计划在2024年举行20多项联合活动。",
    ),
    R(
        "xs23_zhang_shoigu_ru",
        "xs23_zhang_shoigu",
        "ru",
        "2023-10-30T09:55",
        "Шойгу и Чжан Юся провели переговоры в Пекине",
        "ПЕКИН, 30 октября. /ТАСС/. Министр обороны РФ Сергей Шойгу встретился в Пекине с заместителем "
        "председателя Центрального военного совета КНР Чжан Юся.\n"
        "«Военное сотрудничество России и Китая вышло на беспрецедентный уровень», — заявил Шойгу. По его словам, "
        "в 2024 году стороны проведут более 20 совместных мероприятий, включая учения и патрулирование.",
    ),
    # --- Shoigu's plenary speech (31 Oct 2023) ------------------------------------------------------------
    R(
        "xs23_shoigu_speech_en",
        "xs23_shoigu_speech",
        "en",
        "2023-10-31T05:15",
        "Shoigu accuses West of seeking to extend conflict to Asia-Pacific",
        "Russian Defence Minister Sergei Shoigu told the Xiangshan Forum in Beijing on Tuesday that the West was "
        "trying to draw NATO into the Asia-Pacific region and to inflict a strategic defeat on Russia in Ukraine.\n"
        "Shoigu said the United States had spent over $100 billion on the war in Ukraine and warned of the risk of "
        "a direct military clash between nuclear powers. He called the Xiangshan platform an important venue for "
        "dialogue.",
    ),
    R(
        "xs23_shoigu_speech_ru",
        "xs23_shoigu_speech",
        "ru",
        "2023-10-31T03:40",
        "Шойгу: Запад пытается перенести конфликт в Азиатско-Тихоокеанский регион",
        "ПЕКИН, 31 октября. /ТАСС/. Министр обороны РФ Сергей Шойгу, выступая на пленарном заседании "
        "Сяншаньского форума, заявил, что Запад стремится втянуть НАТО в Азиатско-Тихоокеанский регион и нанести "
        "России стратегическое поражение на Украине.\n"
        "По словам Шойгу, США потратили на войну на Украине более $100 млрд. Он предупредил о риске прямого "
        "военного столкновения ядерных держав.",
    ),
    R(
        "xs23_shoigu_speech_zh",
        "xs23_shoigu_speech",
        "zh",
        "2023-10-31T07:30",
        "绍伊古在香山论坛发言 指责西方将冲突引向亚太",
        "【环球时报综合报道】俄罗斯国防部长绍伊古31日在北京香山论坛全体会议上发言，指责西方试图把北约引入亚太地区，"
        "并企图在乌克兰让俄罗斯遭受战略失败。\n"
        "绍伊古说，美国已在乌克兰战争上花费超过1000亿美元，他警告核大国之间存在直接军事冲突的风险。",
    ),
    # --- 11th Beijing Xiangshan Forum opens (13 Sep 2024) -------------------------------------------------
    R(
        "xs24_open_en",
        "xs24_open",
        "en",
        "2024-09-13T02:30",
        "Zhang Youxia opens 11th Beijing Xiangshan Forum",
        "BEIJING, Sept. 13 (Xinhua) -- The 11th Beijing Xiangshan Forum opened on Friday, with Zhang Youxia, vice "
        "chairman of the Central Military Commission, delivering a keynote speech.\n"
        "Zhang said China would never allow anyone to split Taiwan from the country. More than 500 official "
        "representatives from over 90 countries and international organizations are attending the forum, which runs "
        "until Sept. 14.",
    ),
    R(
        "xs24_open_zh",
        "xs24_open",
        "zh",
        "2024-09-13T01:50",
        "第十一届北京香山论坛开幕 张又侠发表主旨演讲",
        "新华社北京9月13日电 第十一届北京香山论坛13日在北京开幕。中央军委副主席张又侠出席开幕式并发表主旨演讲。\n"
        "张又侠表示，中国绝不允许任何人把台湾从中国分裂出去。来自90多个国家和国际组织的500余名官方代表参加论坛。"
        "论坛将持续至14日。",
    ),
    R(
        "xs24_open_ru",
        "xs24_open",
        "ru",
        "2024-09-13T05:10",
        "В Пекине открылся XI Сяншаньский форум",
        "ПЕКИН, 13 сентября. /РИА Новости/. XI Сяншаньский форум по безопасности открылся в пятницу в Пекине. "
        "С программной речью выступил заместитель председателя Центрального военного совета КНР Чжан Юся.\n"
        "Он заявил, что Китай никому не позволит отделить Тайвань. В форуме участвуют более 500 официальных "
        "представителей из более чем 90 стран и международных организаций.",
    ),
    # --- Li Shangfu meets Shoigu in Moscow (16 Apr 2023) --------------------------------------------------
    R(
        "li_shoigu_moscow_en",
        "li_shoigu_moscow",
        "en",
        "2023-04-16T13:00",
        "Chinese defence minister Li Shangfu holds talks with Shoigu in Moscow",
        "MOSCOW, April 16 (Reuters) - Chinese Defence Minister Li Shangfu held talks with Russian Defence Minister "
        "Sergei Shoigu in Moscow on Sunday, at the start of a four-day visit.\n"
        "Li said military ties between the two countries would be taken to a new level. Shoigu said the two "
        "militaries had held 14 joint exercises in 2022.",
    ),
    R(
        "li_shoigu_moscow_zh",
        "li_shoigu_moscow",
        "zh",
        "2023-04-16T15:20",
        "李尚福在莫斯科同俄罗斯国防部长绍伊古会谈",
        "新华社莫斯科4月16日电 国务委员兼国防部长李尚福16日在莫斯科同俄罗斯国防部长绍伊古举行会谈。李尚福此次访俄为期4天。\n"
        "李尚福表示，中俄两军关系将提升到新的水平。绍伊古说，2022年两军共举行了14次联合演习。",
    ),
    R(
        "li_shoigu_moscow_ru",
        "li_shoigu_moscow",
        "ru",
        "2023-04-16T11:45",
        "Шойгу провел переговоры с министром обороны Китая Ли Шанфу",
        "МОСКВА, 16 апреля. /ТАСС/. Министр обороны РФ Сергей Шойгу провел в Москве переговоры с министром "
        "обороны КНР Ли Шанфу, который находится в России с четырехдневным визитом.\n"
        "Шойгу отметил, что в 2022 году военные двух стран провели 14 совместных учений.",
    ),
    # --- Xi and Putin: informal talks (20 Mar 2023) -------------------------------------------------------
    R(
        "xi_putin_informal_en",
        "xi_putin_informal",
        "en",
        "2023-03-20T21:30",
        "Putin, Xi hold four-and-a-half hours of informal talks in Kremlin",
        "MOSCOW, March 20 (Reuters) - Russian President Vladimir Putin and Chinese President Xi Jinping held "
        "informal talks in the Kremlin on Monday that lasted four and a half hours, the Kremlin said.\n"
        "Putin told Xi that Russia had studied China's 12-point peace plan for Ukraine with respect. Xi, on his "
        "first trip abroad since securing a third term, invited Putin to visit China this year.",
    ),
    R(
        "xi_putin_informal_zh",
        "xi_putin_informal",
        "zh",
        "2023-03-20T19:00",
        "习近平同俄罗斯总统普京举行非正式会晤",
        "新华社莫斯科3月20日电 国家主席习近平20日在莫斯科克里姆林宫同俄罗斯总统普京举行非正式会晤。\n"
        "普京表示，俄方认真研究了中方关于政治解决乌克兰危机的立场文件（12点）。习近平邀请普京今年访华。"
        "两国元首的会晤持续约4个半小时。",
    ),
    R(
        "xi_putin_informal_ru",
        "xi_putin_informal",
        "ru",
        "2023-03-20T20:15",
        "Путин и Си Цзиньпин провели неформальную встречу в Кремле",
        "МОСКВА, 20 марта. /ТАСС/. Президент России Владимир Путин и председатель КНР Си Цзиньпин провели "
        "неформальные переговоры в Кремле, которые продлились около четырех с половиной часов.\n"
        "Путин заявил, что Россия с уважением изучила китайский план из 12 пунктов по урегулированию на Украине.",
    ),
    # --- Xi and Putin: official talks, joint statements (21 Mar 2023) --------------------------------------
    R(
        "xi_putin_talks_en",
        "xi_putin_talks",
        "en",
        "2023-03-21T15:40",
        "Xi, Putin sign statements on partnership, economic cooperation to 2030",
        "MOSCOW, March 21 (Xinhua) -- Chinese President Xi Jinping and Russian President Vladimir Putin held "
        "talks in Moscow on Tuesday and signed a joint statement on deepening their comprehensive strategic "
        "partnership for a new era.\n"
        "The two leaders also signed a statement on a plan to develop key areas of economic cooperation until 2030. "
        "Putin said bilateral trade could exceed $200 billion this year.",
    ),
    R(
        "xi_putin_talks_zh",
        "xi_putin_talks",
        "zh",
        "2023-03-21T13:10",
        "习近平同普京举行会谈 签署联合声明",
        "新华社莫斯科3月21日电 国家主席习近平21日在莫斯科克里姆林宫同俄罗斯总统普京举行会谈。\n"
        "两国元首签署《中华人民共和国和俄罗斯联邦关于深化新时代全面战略协作伙伴关系的联合声明》和"
        "《关于2030年前中俄经济合作重点方向发展规划的联合声明》。普京表示，今年双边贸易额有望超过2000亿美元。",
    ),
    R(
        "xi_putin_talks_ru",
        "xi_putin_talks",
        "ru",
        "2023-03-21T14:05",
        "Путин и Си Цзиньпин подписали заявление о партнерстве",
        "МОСКВА, 21 марта. /ТАСС/. Владимир Путин и Си Цзиньпин по итогам переговоров в Кремле подписали "
        "совместное заявление об углублении отношений всеобъемлющего партнерства и стратегического "
        "взаимодействия, вступающих в новую эпоху.\n"
        "Также подписано заявление о плане развития ключевых направлений экономического сотрудничества до "
        "2030 года. По словам Путина, товарооборот в этом году может превысить $200 млрд.",
    ),
    # --- Duma revokes CTBT ratification (18 Oct 2023) -----------------------------------------------------
    R(
        "ctbt_duma_en",
        "ctbt_duma",
        "en",
        "2023-10-18T12:30",
        "Russian lawmakers vote to revoke ratification of nuclear test ban treaty",
        "MOSCOW, Oct 18 (Reuters) - Russia's State Duma voted on Wednesday to revoke the country's ratification of "
        "the Comprehensive Nuclear-Test-Ban Treaty (CTBT), passing the bill in its second and third readings by "
        "412 votes to none.\n"
        "Russia signed the treaty in 1996 and ratified it in 2000. The United States signed but never ratified it.",
    ),
    R(
        "ctbt_duma_ru",
        "ctbt_duma",
        "ru",
        "2023-10-18T10:50",
        "Госдума приняла закон об отзыве ратификации ДВЗЯИ",
        "МОСКВА, 18 октября. /ТАСС/. Государственная дума приняла во втором и третьем чтениях закон об отзыве "
        "ратификации Договора о всеобъемлющем запрещении ядерных испытаний (ДВЗЯИ). За проголосовали 412 депутатов.\n"
        "Россия подписала договор в 1996 году и ратифицировала его в 2000 году. США договор подписали, но не "
        "ратифицировали.",
    ),
    R(
        "ctbt_duma_zh",
        "ctbt_duma",
        "zh",
        "2023-10-18T14:00",
        "俄国家杜马通过撤销批准《全面禁止核试验条约》法案",
        "新华社莫斯科10月18日电 俄罗斯国家杜马18日以412票赞成，二读和三读通过撤销批准《全面禁止核试验条约》的法案。\n"
        "俄罗斯于1996年签署该条约，2000年批准。美国签署了条约但一直未批准。",
    ),
    # --- Ryabkov on nuclear tests (19 Oct 2023) -----------------------------------------------------------
    R(
        "ctbt_ryabkov_en",
        "ctbt_ryabkov",
        "en",
        "2023-10-19T09:20",
        "Russia will test nuclear weapons only if US does first, says Ryabkov",
        "MOSCOW, Oct 19 - Russian Deputy Foreign Minister Sergei Ryabkov said on Thursday Moscow would resume "
        "nuclear testing only if the United States conducted a test first.\n"
        "Ryabkov said Russia was watching activity at the Nevada test site and that its own Novaya Zemlya site was "
        "ready. Washington has not conducted an explosive test since 1992.",
    ),
    R(
        "ctbt_ryabkov_ru",
        "ctbt_ryabkov",
        "ru",
        "2023-10-19T07:45",
        "Рябков: Россия проведет ядерное испытание только в ответ на действия США",
        "МОСКВА, 19 октября. /РИА Новости/. Россия возобновит ядерные испытания только в том случае, если их "
        "первыми проведут США, заявил заместитель министра иностранных дел Сергей Рябков.\n"
        "По его словам, Москва внимательно следит за активностью на полигоне в Неваде, а полигон на Новой Земле "
        "находится в готовности. США не проводили испытаний с 1992 года.",
    ),
    # --- Joint exercise North/Interaction-2023 starts (20 Jul 2023) ----------------------------------------
    R(
        "naval_exercise_en",
        "naval_exercise",
        "en",
        "2023-07-20T06:00",
        "China, Russia begin joint naval and air exercise in Sea of Japan",
        "BEIJING, July 20 (Xinhua) -- The Chinese and Russian militaries on Thursday began the North/Interaction-2023 "
        "joint exercise in the Sea of Japan, China's Ministry of National Defense said.\n"
        "More than 10 warships and 30 aircraft are taking part in the drills, which run until July 23 and focus on "
        "protecting strategic sea lanes.",
    ),
    R(
        "naval_exercise_zh",
        "naval_exercise",
        "zh",
        "2023-07-20T03:30",
        "“北部·联合-2023”演习在日本海开始",
        "据中国国防部消息，中俄两军“北部·联合-2023”演习20日在日本海开始。\n"
        "双方共派出10余艘舰艇、30余架飞机参演，演习将持续至7月23日，重点演练维护战略通道安全。",
    ),
    R(
        "naval_exercise_ru",
        "naval_exercise",
        "ru",
        "2023-07-20T08:10",
        "Российско-китайские учения «Север/Взаимодействие-2023» начались в Японском море",
        "ВЛАДИВОСТОК, 20 июля. /ТАСС/. Российско-китайские учения «Север/Взаимодействие-2023» начались в "
        "Японском море, сообщили в Минобороны России.\n"
        "В маневрах, которые продлятся до 23 июля, участвуют более 10 кораблей и 30 самолетов двух стран.",
    ),
    # --- Joint naval patrol in the Pacific starts (22 Jul 2023) --------------------------------------------
    R(
        "naval_patrol_en",
        "naval_patrol",
        "en",
        "2023-07-22T10:00",
        "Russian, Chinese warships set out on joint Pacific patrol",
        "Russian and Chinese warships have begun a joint patrol in the Pacific Ocean, Russia's Pacific Fleet said "
        "on Saturday, days after the two navies exercised together.\n"
        "The group of 11 ships will sail more than 2,000 nautical miles, passing near Alaska and the Aleutian "
        "Islands, the fleet said.",
    ),
    R(
        "naval_patrol_ru",
        "naval_patrol",
        "ru",
        "2023-07-22T07:30",
        "Корабли ВМФ России и Китая начали совместное патрулирование в Тихом океане",
        "ВЛАДИВОСТОК, 22 июля. /РИА Новости/. Отряд кораблей Тихоокеанского флота и ВМС НОАК приступил к "
        "совместному патрулированию в Тихом океане, сообщили в пресс-службе флота.\n"
        "Отряд из 11 кораблей пройдет более 2 000 морских миль, в том числе у побережья Аляски.",
    ),
    R(
        "naval_patrol_zh",
        "naval_patrol",
        "zh",
        "2023-07-22T12:40",
        "中俄海军开始在太平洋联合巡航",
        "中俄两国海军舰艇编队22日开始在太平洋有关海域进行联合海上巡航。\n"
        "编队由11艘舰艇组成，航程将超过2000海里，途经阿拉斯加附近海域。",
    ),
    # --- Dong Jun's Shangri-La Dialogue speech (2 Jun 2024) ------------------------------------------------
    R(
        "sld24_dong_speech_en",
        "sld24_dong_speech",
        "en",
        "2024-06-02T04:30",
        "China's Dong Jun warns of 'self-destruction' for Taiwan independence at Shangri-La Dialogue",
        "SINGAPORE, June 2 (Reuters) - Chinese Defence Minister Dong Jun told the Shangri-La Dialogue on Sunday "
        "that anyone seeking Taiwan independence would be 'crushed to pieces and bring about their own "
        "self-destruction'.\n"
        "In his first major speech abroad, Dong said the People's Liberation Army had exercised 'maximum restraint' "
        "in the South China Sea.",
    ),
    R(
        "sld24_dong_speech_zh",
        "sld24_dong_speech",
        "zh",
        "2024-06-02T03:50",
        "董军在第21届香格里拉对话会上发言",
        "新华社新加坡6月2日电 国务委员、国防部长董军2日在第21届香格里拉对话会上发言，警告“台独”分裂势力必将自取灭亡。\n"
        "董军表示，中国军队在南海问题上保持了最大限度的克制。",
    ),
    R(
        "sld24_dong_speech_ru",
        "sld24_dong_speech",
        "ru",
        "2024-06-02T06:20",
        "Министр обороны КНР на «Диалоге Шангри-Ла» предостерег сторонников независимости Тайваня",
        "СИНГАПУР, 2 июня. /ТАСС/. Министр обороны КНР Дун Цзюнь, выступая на XXI «Диалоге Шангри-Ла», заявил, "
        "что сторонники независимости Тайваня обречены на самоуничтожение.\n"
        "Он также сказал, что НОАК проявляет максимальную сдержанность в Южно-Китайском море.",
    ),
    # --- Dong Jun meets Lloyd Austin (31 May 2024) ---------------------------------------------------------
    R(
        "sld24_austin_dong_en",
        "sld24_austin_dong",
        "en",
        "2024-05-31T09:40",
        "Austin, Dong Jun hold first in-person talks in Singapore",
        "SINGAPORE, May 31 - U.S. Defense Secretary Lloyd Austin and Chinese Defence Minister Dong Jun met for "
        "more than 75 minutes on the sidelines of the Shangri-La Dialogue on Friday, their first face-to-face talks.\n"
        "Austin raised concerns about Chinese military activity around Taiwan, a Pentagon spokesman said.",
    ),
    R(
        "sld24_austin_dong_zh",
        "sld24_austin_dong",
        "zh",
        "2024-05-31T11:30",
        "董军在新加坡会见美国防长奥斯汀",
        "新华社新加坡5月31日电 国务委员、国防部长董军31日在香格里拉对话会期间会见美国国防部长奥斯汀。"
        "会见持续75分钟以上。\n董军表示，台湾问题是中国核心利益中的核心。",
    ),
    # --- Russian and Chinese bombers near Alaska (25 Jul 2024) ---------------------------------------------
    R(
        "bombers_alaska_en",
        "bombers_alaska",
        "en",
        "2024-07-25T16:00",
        "US intercepts Russian, Chinese bombers near Alaska",
        "NORAD said on Thursday it had detected and intercepted two Russian Tu-95 and two Chinese H-6 bombers "
        "operating near Alaska, the first time the two countries' bombers had flown together in the area.\n"
        "The aircraft stayed in international airspace and were not seen as a threat, the command said.",
    ),
    R(
        "bombers_alaska_ru",
        "bombers_alaska",
        "ru",
        "2024-07-25T13:20",
        "Бомбардировщики России и Китая выполнили совместное патрулирование у Аляски",
        "МОСКВА, 25 июля. /ТАСС/. Стратегические ракетоносцы Ту-95МС ВКС России и бомбардировщики H-6K ВВС "
        "НОАК выполнили совместное воздушное патрулирование над Чукотским и Беринговым морями и в северной части "
        "Тихого океана, сообщили в Минобороны РФ. Полет длился более 5 часов.",
    ),
    R(
        "bombers_alaska_zh",
        "bombers_alaska",
        "zh",
        "2024-07-25T14:10",
        "中俄两国空军开展第八次联合空中战略巡航",
        "据国防部消息，中俄两国空军25日在白令海、北太平洋有关空域开展第八次联合空中战略巡航。\n"
        "此次巡航是两国年度合作计划内的项目，不针对第三方。",
    ),
]
