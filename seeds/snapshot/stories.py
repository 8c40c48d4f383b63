"""Story texts for the offline demo snapshot (used by build_snapshot.py).

Everything here is SYNTHETIC test data written for forumwatch, except the Asian Lite copy of the
ANI story (read from tests/data/asianlite-2023-10-31-china-russia-security.txt), which is a real
page captured as text. The synthetic stories imitate wire copy; they are not real reports.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ASIANLITE_TXT = REPO / "tests" / "data" / "asianlite-2023-10-31-china-russia-security.txt"


def asianlite_parts() -> dict:
    """Split the captured Asian Lite page into its parts (standfirst, body paragraphs, ...)."""
    lines = [ln.strip() for ln in ASIANLITE_TXT.read_text(encoding="utf-8").splitlines()]
    lines = [ln for ln in lines if ln]
    title_i = lines.index("China, Russia Ready to Tackle Security Threats Together")
    standfirst = lines[title_i + 1]
    body = []
    for ln in lines[title_i + 2:]:
        if ln.startswith("ALSO READ"):
            break
        body.append(ln)
    assert body[-1].endswith("(ANI)"), body[-1]
    also_read = next(ln for ln in lines if ln.startswith("ALSO READ"))
    return {
        "title": lines[title_i],
        "standfirst": standfirst,
        "body": body,
        "also_read": also_read,
    }


# --------------------------------------------------------------------------------------------
# Synthetic stories. Each is a list of paragraphs (plain text, typographic quotes allowed).
# --------------------------------------------------------------------------------------------

PTI_MILAN = [
    "New Delhi, Oct 31 (PTI) The Indian Navy has invited more than 50 countries to take part in "
    "its biennial multilateral exercise MILAN, to be held off Visakhapatnam in February, officials "
    "said on Tuesday.",
    "The exercise will have a harbour phase and a sea phase, and is expected to be the largest "
    "edition so far in terms of participating ships and aircraft, a senior Navy official said.",
    "“Confirmations have already been received from a large number of friendly foreign navies. "
    "The response has been very encouraging,” the official said, requesting anonymity.",
    "The harbour phase will include an international maritime seminar, a city parade and "
    "professional exchanges, while the sea phase will focus on anti-submarine warfare, air "
    "defence drills and search-and-rescue operations, according to the officials.",
    "Navies from the Indo-Pacific, West Asia, Africa and Europe have been invited. Officials said "
    "the Navy is also planning to deploy its aircraft carrier for the sea phase.",
    "MILAN was first held in 1995 with the participation of four navies and has grown steadily "
    "since. The last edition, hosted in Visakhapatnam, saw ships and delegations from several "
    "dozen countries.",
    "The Navy has been expanding its outreach with friendly navies through bilateral and "
    "multilateral exercises, port calls and coordinated patrols as part of the government’s "
    "vision of Security and Growth for All in the Region (SAGAR), the officials added. PTI ABC DEF",
]

XINHUA_PMI = [
    "BEIJING, Oct. 31 (Xinhua) -- China’s manufacturing purchasing managers’ index (PMI) came in "
    "at 49.5 in October, the National Bureau of Statistics (NBS) said Tuesday.",
    "A reading above 50 indicates expansion, while a reading below 50 reflects contraction.",
    "The NBS attributed the decline partly to the extended National Day holiday at the start of "
    "the month and to weaker market demand, saying that production activity in some industries "
    "slowed as a result.",
    "Large enterprises continued to post readings in the expansion zone, the bureau said, while "
    "the index for small and medium-sized enterprises remained under pressure.",
    "The sub-index for high-tech manufacturing stayed above the 50-point mark, indicating "
    "continued expansion in the sector, the NBS said, adding that equipment manufacturing also "
    "performed steadily.",
    "The non-manufacturing PMI, which measures activity in the services and construction "
    "sectors, remained in the expansion zone in October, the data showed.",
    "An NBS statistician said that the economy was still in the process of recovery and that "
    "policies to expand domestic demand would continue to take effect in the coming months. Enditem",
]

TASS_PACIFIC = [
    "VLADIVOSTOK, October 31. /TASS/. A detachment of warships of Russia’s Pacific Fleet has "
    "completed a series of exercises in the Sea of Japan, practicing the defense of sea lanes and "
    "anti-submarine warfare, the fleet’s press service said on Tuesday.",
    "“During the exercises the crews of the corvettes and a large anti-submarine ship practiced "
    "searching for and tracking a simulated enemy submarine, repelling attacks from the air and "
    "firing artillery at sea and air targets,” the press service said.",
    "Naval aviation crews flying anti-submarine aircraft and helicopters took part in the drills, "
    "which involved more than ten warships and support vessels, according to the statement.",
    "The press service said the crews also practiced replenishment at sea and the protection of "
    "a convoy of civilian vessels in a designated area of the Sea of Japan.",
    "After the exercises the warships returned to their base in Vladivostok, where they will "
    "undergo maintenance before the next stage of combat training, the fleet said.",
    "The Pacific Fleet regularly holds exercises in the Sea of Japan, the Sea of Okhotsk and the "
    "Bering Sea. Earlier this year, Russian and Chinese warships conducted joint naval drills and a "
    "joint patrol in the Pacific.",
]

ANI_COLOMBO = [
    "Colombo [Sri Lanka], October 30 (ANI): An Indian Coast Guard offshore patrol vessel arrived "
    "at the Port of Colombo on Monday on a three-day goodwill visit, the High Commission of India "
    "in Sri Lanka said.",
    "The ship was accorded a ceremonial welcome by the Sri Lanka Navy and the Sri Lanka Coast "
    "Guard on its arrival, the mission said in a statement posted on X.",
    "During the visit, the crew will hold professional interactions with their Sri Lankan "
    "counterparts on maritime pollution response, search and rescue, and maritime law "
    "enforcement, the statement said.",
    "A joint exercise on pollution response and a passage exercise with the Sri Lanka Coast "
    "Guard are planned for the day the ship sails out, it added.",
    "The crew will also take part in a beach clean-up, a yoga session and a friendly sports "
    "fixture, and the ship will be open to visitors including schoolchildren.",
    "“The visit reaffirms the close cooperation between India and Sri Lanka in the maritime "
    "domain and our shared commitment to a safe and secure Indian Ocean Region,” the High "
    "Commission said.",
    "Indian Coast Guard ships make regular port calls in Sri Lanka as part of the two countries’ "
    "cooperation on maritime safety and the protection of the marine environment. (ANI)",
]

# Hard negative 1: a different report of the same Xiangshan Forum session (staff, no wire).
XIANGSHAN_OTHER = [
    "Russian Defence Minister Sergei Shoigu used the plenary session of the 10th Beijing Xiangshan "
    "Forum on Tuesday to accuse Western countries of trying to carry the logic of military blocs "
    "into the Asia-Pacific region, in a speech that was closely watched by delegations from Asia "
    "and Europe.",
    "Speaking on the theme of the responsibility of large states for global security, Shoigu "
    "argued that the expansion of Western-led alliances was undermining the regional security "
    "architecture built around the Association of Southeast Asian Nations.",
    "He repeated Moscow’s line that it was open to talks on a “post-conflict resolution of the "
    "Ukrainian crisis” only on what he called a realistic basis, without offering any new "
    "proposal, delegates who attended the session said.",
    "The session was chaired by a retired Chinese general and also heard speeches from defence "
    "officials from Southeast Asia, Africa and the Middle East, several of whom called for "
    "dialogue mechanisms to prevent incidents at sea.",
    "The forum, organised by the China Association for Military Science and the China Institute "
    "for International Strategic Studies, drew official delegations from over 90 countries this "
    "year, the largest attendance since it was upgraded to a track-1.5 dialogue.",
    "On the sidelines, Shoigu met Zhang Youxia, vice chairman of China’s Central Military "
    "Commission, a day earlier. Chinese readouts of that meeting stressed the “strong development "
    "momentum” of military ties, but gave few details of any new agreements.",
    "Analysts in Beijing said the choice of Shoigu as a headline speaker sent a signal about the "
    "closeness of the two militaries at a time when China has not named a new defence minister "
    "after the removal of its previous minister in October.",
    "“Moscow gets a platform in front of Asian audiences, and Beijing gets to show that the "
    "forum can attract senior figures,” said a Singapore-based security researcher who attended "
    "the event. “Neither side needs to announce anything concrete.”",
    "The United States sent a delegation led by a Pentagon official responsible for China "
    "policy. Members of the US delegation held informal conversations with Chinese officers on "
    "the sidelines, but no formal bilateral meeting was announced. - Staff Reporter",
]

# Follow-up that quotes exactly one paragraph (index 10 of the Asian Lite body) of the ANI story.
FOLLOWUP_INTRO = [
    "Russian Defence Minister Sergei Shoigu’s appearance at the Xiangshan Forum in Beijing this "
    "week drew attention mostly for what he said about Ukraine. For New Delhi, the more "
    "important signals may lie elsewhere in his remarks.",
    "Shoigu told the forum that Moscow would keep supplying and maintaining military equipment "
    "for partners in the Asia-Pacific region, and would continue joint exercises and ship visits. "
    "India, which still operates a large inventory of Russian-origin platforms, will read that "
    "as reassurance on spares and servicing, analysts say.",
    "He also addressed Russia’s decision to withdraw its ratification of the Comprehensive "
    "Nuclear-Test-Ban Treaty. According to an ANI report from the forum:",
]
FOLLOWUP_OUTRO = [
    "“The message is aimed at Washington, but it is heard in Asian capitals too,” said Ananya "
    "Krishnan, a fellow at a New Delhi-based strategic affairs think tank. “India has a "
    "moratorium on testing and no interest in a new testing race in its neighbourhood.”",
    "The bigger question for India, she said, is the growing warmth between the Russian and "
    "Chinese militaries. Shoigu met Zhang Youxia, the vice chairman of China’s Central Military "
    "Commission, before his speech, and both sides spoke of strong momentum in their ties.",
    "“As long as Russia keeps its defence relationship with India separate from its relationship "
    "with China, New Delhi can live with it. The risk is technology and priorities shifting "
    "towards Beijing over time,” Krishnan said.",
    "A former Indian Navy officer who follows Russian arms exports said that delivery schedules "
    "for some Indian orders have already slipped because of the war in Ukraine, and that "
    "Shoigu’s promise of continued supplies would be tested against those delays.",
    "India did not send a ministerial-level delegation to the forum this year. Officials in New "
    "Delhi have so far not commented on Shoigu’s remarks.",
]

GREYZONE = [
    "Incidents involving coast guard and maritime militia vessels in the South China Sea rose "
    "sharply over the past year, according to a report released on Monday by a Singapore-based "
    "maritime security think tank.",
    "The report counted more than 200 publicly documented incidents of vessels blocking, "
    "shadowing or using water cannon against other ships, most of them near disputed features "
    "in the Spratly Islands, including Second Thomas Shoal.",
    "“Grey-zone tactics allow states to change facts on the water without crossing the threshold "
    "of armed conflict,” the authors wrote, calling for clearer rules on the use of force by "
    "coast guards.",
    "The report recommends that claimant states set up hotlines between their coast guards and "
    "agree on a code of conduct for unplanned encounters at sea similar to the one adopted by "
    "navies in the region.",
    "It also notes that the issue is likely to be discussed at regional security meetings in the "
    "coming weeks, including the ASEAN Defence Ministers’ Meeting-Plus and the Shangri-La "
    "Dialogue next year.",
    "Officials from several Southeast Asian countries said they had not yet studied the report. "
    "The think tank said it shared its findings with governments in the region before "
    "publication.",
]

SHANGRILA = [
    "The organisers of the Shangri-La Dialogue, Asia’s premier defence summit, said on Monday "
    "that next year’s meeting will again be held in Singapore, with defence ministers and "
    "military chiefs from across the Asia-Pacific expected to attend.",
    "The International Institute for Strategic Studies (IISS), which has run the dialogue since "
    "its first edition, said invitations would go out to defence ministers of more than 40 "
    "countries in the coming weeks.",
    "Plenary sessions are expected to cover the war in Ukraine and its effect on Asian security, "
    "tensions in the South China Sea and the Taiwan Strait, and arms control, the institute said "
    "in a statement.",
    "The dialogue has become a rare venue for informal meetings between US and Chinese defence "
    "officials. This year’s meeting ended without a bilateral meeting between the two countries’ "
    "defence chiefs, although they shook hands at the opening dinner.",
    "Diplomats said attention would again focus on whether Beijing sends its defence minister, "
    "after China’s previous minister was removed from his post this month and no successor has "
    "been named.",
    "The IISS said registration for media and observers would open early next year.",
]

EXPLAINER = [
    "The Beijing Xiangshan Forum is China’s flagship international security conference. It is "
    "organised by the China Association for Military Science and the China Institute for "
    "International Strategic Studies, with the backing of the Ministry of National Defense.",
    "The forum began as a small track-two meeting of academics and retired officers. It was "
    "later upgraded to a track-1.5 dialogue, which means that serving officials, including "
    "defence ministers and military chiefs, attend alongside scholars and think-tank experts.",
    "Who attends? Delegations come mainly from Asia, Africa, Latin America and the Middle East, "
    "with smaller representation from Europe and the United States. Russia usually sends its "
    "defence minister or a deputy.",
    "What is discussed? Plenary sessions and smaller panels cover regional security in the "
    "Asia-Pacific, maritime disputes, arms control, counter-terrorism and the role of major "
    "powers. The agenda tends to reflect Beijing’s Global Security Initiative.",
    "How is it different from the Shangri-La Dialogue? Both are annual defence forums, but the "
    "Shangri-La Dialogue in Singapore is run by the International Institute for Strategic "
    "Studies, a British think tank, and is often used by Western officials to set out their "
    "policies in Asia. The Xiangshan Forum gives China a platform of its own.",
    "Why does it matter? Meetings on the sidelines between defence officials are often more "
    "newsworthy than the speeches, and statements made at the forum are widely republished by "
    "wire agencies and the outlets that carry their copy.",
]

LOCAL_NODATE = [
    "The state government will set up a coastal security training centre at Haldia to train "
    "marine police personnel, fisheries officials and fishermen’s volunteers in surveillance and "
    "rescue at sea, officials said.",
    "The centre will offer courses in boat handling, navigation, communication and the "
    "identification of suspicious vessels, and will work with the Coast Guard and the Navy to "
    "run joint drills, an official of the home department said.",
    "“Our coastline is long and the creeks of the Sundarbans are difficult to patrol. Fishermen "
    "are our eyes and ears at sea, and they need to know whom to call and what to report,” the "
    "official said.",
    "The marine police stations along the coast will also receive new fast interceptor boats "
    "and night-vision equipment under the coastal security scheme, according to the department.",
    "Fishermen’s associations welcomed the plan but asked the government to speed up the "
    "distribution of biometric identity cards and transponders for fishing boats, which they "
    "said had been delayed for more than a year.",
    "Officials said the land for the centre had been identified near the port and that "
    "construction would begin after the tender process is completed.",
]
