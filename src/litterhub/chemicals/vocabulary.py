"""The normalised vocabularies of the chemicals knowledge base, and the single place raw source labels are mapped.

Contract: every raw label a source uses for a function, a polymer, a hazard class or a regulatory list is mapped here
to one code of a small documented vocabulary (docs/chemicals.md lists them); a label no rule knows maps to `other`
(functions) or `OTHER` (polymers) and the raw label is kept beside the code, so nothing is dropped. Each code
carries its label in the six UN languages so that a query such as 增塑剂 or ملدن finds the substances; the
non-English labels were written for this project by machine and await native review (`LABELS_REVIEWED = False`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LABELS_REVIEWED = False  # non-English labels are machine-written; a native speaker has not checked them yet


@dataclass(frozen=True)
class Term:
    """One vocabulary code with its labels (en, fr, es, ar, ru, zh)."""

    code: str
    en: str
    fr: str
    es: str
    ar: str
    ru: str
    zh: str

    def label(self, lang: str = "en") -> str:
        return getattr(self, lang, None) or self.en

    def labels(self) -> list[str]:
        return [self.en, self.fr, self.es, self.ar, self.ru, self.zh]


def _terms(rows: list[tuple[str, ...]]) -> dict[str, Term]:
    return {r[0]: Term(*r) for r in rows}


# The whole knowledge base is about additives and other chemicals in plastics: these words find every substance.
DOMAIN_WORDS = ("additive additif aditivo مضاف مادة مضافة добавка 添加剂 塑料添加剂 chemical substance plastic "
                "produit chimique sustancia química مادة كيميائية химическое вещество 化学品 化学物质 塑料")

FUNCTIONS = _terms([
    ("plasticiser", "plasticiser", "plastifiant", "plastificante", "ملدن", "пластификатор", "增塑剂"),
    ("flame-retardant", "flame retardant", "retardateur de flamme", "retardante de llama", "مثبط للهب",
     "антипирен", "阻燃剂"),
    ("antioxidant", "antioxidant", "antioxydant", "antioxidante", "مضاد للأكسدة", "антиоксидант", "抗氧化剂"),
    ("light-stabiliser", "light (UV) stabiliser", "stabilisant lumière (UV)", "estabilizador de luz (UV)",
     "مثبت ضوئي (للأشعة فوق البنفسجية)", "светостабилизатор (УФ)", "光稳定剂（紫外线）"),
    ("heat-stabiliser", "heat stabiliser", "stabilisant thermique", "estabilizador térmico", "مثبت حراري",
     "термостабилизатор", "热稳定剂"),
    ("stabiliser", "stabiliser (other)", "stabilisant (autre)", "estabilizador (otro)", "مثبت (آخر)",
     "стабилизатор (прочий)", "稳定剂（其他）"),
    ("colorant", "colorant (pigment, dye)", "colorant (pigment, teinture)", "colorante (pigmento, tinte)",
     "ملون (صبغة)", "краситель (пигмент)", "着色剂（颜料、染料）"),
    ("filler", "filler", "charge", "carga", "مادة مالئة", "наполнитель", "填料"),
    ("lubricant", "lubricant, slip agent", "lubrifiant", "lubricante", "مادة مزلقة", "смазка", "润滑剂"),
    ("biocide", "biocide, antimicrobial", "biocide", "biocida", "مبيد حيوي", "биоцид", "杀菌剂"),
    ("antistatic", "antistatic agent", "agent antistatique", "agente antiestático", "عامل مضاد للكهرباء الساكنة",
     "антистатик", "抗静电剂"),
    ("blowing-agent", "blowing agent", "agent gonflant", "agente espumante", "عامل نفخ", "вспенивающий агент",
     "发泡剂"),
    ("catalyst", "catalyst", "catalyseur", "catalizador", "محفز", "катализатор", "催化剂"),
    ("initiator", "initiator", "amorceur", "iniciador", "بادئ تفاعل", "инициатор", "引发剂"),
    ("crosslinker", "crosslinking agent, hardener", "agent de réticulation", "agente de reticulación",
     "عامل ربط متشابك", "сшивающий агент", "交联剂"),
    ("impact-modifier", "impact modifier", "modifiant choc", "modificador de impacto", "معدل الصدمات",
     "модификатор ударной прочности", "抗冲改性剂"),
    ("nucleating-agent", "nucleating agent", "agent nucléant", "agente nucleante", "عامل تنوي",
     "нуклеирующий агент", "成核剂"),
    ("viscosity-modifier", "viscosity modifier", "modificateur de viscosité", "modificador de viscosidad",
     "معدل اللزوجة", "модификатор вязкости", "粘度调节剂"),
    ("odour-agent", "odour agent, fragrance", "agent odorant, parfum", "agente odorante, fragancia",
     "عامل رائحة، عطر", "ароматизатор", "气味剂、香料"),
    ("solvent", "solvent", "solvant", "disolvente", "مذيب", "растворитель", "溶剂"),
    ("processing-aid", "processing aid (other)", "auxiliaire de fabrication", "coadyuvante de procesado",
     "مساعد تصنيع", "технологическая добавка", "加工助剂"),
    ("monomer", "monomer", "monomère", "monómero", "مونومر", "мономер", "单体"),
    ("intermediate", "intermediate", "intermédiaire", "intermedio", "مادة وسيطة", "промежуточный продукт",
     "中间体"),
    ("nias", "non-intentionally added (NIAS, impurity, degradation product)",
     "substance ajoutée non intentionnellement (NIAS)", "sustancia añadida no intencionadamente (NIAS)",
     "مادة مضافة عن غير قصد", "непреднамеренно добавленное вещество", "非有意添加物质"),
    ("other", "other function", "autre fonction", "otra función", "وظيفة أخرى", "другая функция", "其他功能"),
])

# Ordered rules: the first pattern that matches a raw label (lower-cased) gives the code. Misspellings and
# variants seen in the sources are covered on purpose ("Lubrificant", "Emulsioner", "Plasticizer"/"Plasticiser").
FUNCTION_RULES: list[tuple[str, re.Pattern[str]]] = [(code, re.compile(p)) for code, p in [
    ("plasticiser", r"plasti[cs]i[sz]er|plasticis"),
    ("flame-retardant", r"flame.?retard"),
    ("antioxidant", r"anti.?oxid"),
    ("light-stabiliser", r"light.?stabili|uv.?(absorb|stabili)|anti.?uv|uv/light"),
    ("heat-stabiliser", r"heat.?(and uv )?stabili"),
    ("stabiliser", r"stabili[sz]"),
    ("colorant", r"colou?rant|pigment|\bdye|colou?r"),
    ("filler", r"filler|reinforc"),
    ("lubricant", r"lubri|slip.?agent|release agent"),
    ("biocide", r"biocid|antimicrob|preservative|fungicid|biofilm"),
    ("antistatic", r"anti.?static"),
    ("blowing-agent", r"blowing|foaming"),
    ("catalyst", r"catalys"),
    ("initiator", r"initiat"),
    ("crosslinker", r"cross.?link|hardener|curing"),
    ("impact-modifier", r"impact.?modif"),
    ("nucleating-agent", r"nucleat"),
    ("viscosity-modifier", r"viscosity"),
    ("odour-agent", r"odou?r|fragrance|masking"),
    ("solvent", r"solvent|dilu(ent|tant)"),
    ("monomer", r"monomer"),
    ("intermediate", r"intermediate"),
    ("nias", r"nias|impurit|degradation|metabolite|ubiquitous|by.?product"),
    ("processing-aid", r"processing aid|emulsi|surfactant|dispers|anti.?fog|film.?form|coating|adhesive|"
                       r"emollient|wetting|antiblock|additive"),
]]
NO_FUNCTION = {"", "not reported", "0", "n/a", "na", "none", "-"}


def function_code(raw: str, *, strict: bool = False) -> str | None:
    """The function code of one raw label; None for "not reported"; `other` (or None when `strict`, for
    free-text descriptions) when no rule matches."""
    text = raw.strip().lower()
    if text in NO_FUNCTION:
        return None
    for code, pattern in FUNCTION_RULES:
        if pattern.search(text):
            return code
    return None if strict else "other"


# Polymer codes: the hub's polymer vocabulary (vocab/data/polymers.csv) plus the families the sources use.
POLYMERS = _terms([
    ("PE", "polyethylene (PE)", "polyéthylène (PE)", "polietileno (PE)", "بولي إيثيلين", "полиэтилен", "聚乙烯"),
    ("LDPE", "low-density polyethylene (LDPE)", "polyéthylène basse densité (PEBD)", "polietileno de baja densidad",
     "بولي إيثيلين منخفض الكثافة", "полиэтилен низкой плотности", "低密度聚乙烯"),
    ("HDPE", "high-density polyethylene (HDPE)", "polyéthylène haute densité (PEHD)", "polietileno de alta densidad",
     "بولي إيثيلين عالي الكثافة", "полиэтилен высокой плотности", "高密度聚乙烯"),
    ("PP", "polypropylene (PP)", "polypropylène (PP)", "polipropileno (PP)", "بولي بروبيلين", "полипропилен",
     "聚丙烯"),
    ("PO", "polyolefins (unspecified)", "polyoléfines", "poliolefinas", "بولي أوليفينات", "полиолефины", "聚烯烃"),
    ("PS", "polystyrene (PS, HIPS)", "polystyrène (PS)", "poliestireno (PS)", "بوليسترين", "полистирол", "聚苯乙烯"),
    ("EPS", "expanded polystyrene (EPS, XPS)", "polystyrène expansé", "poliestireno expandido",
     "بوليسترين ممدد", "пенополистирол", "发泡聚苯乙烯"),
    ("PET", "polyethylene terephthalate (PET)", "polytéréphtalate d'éthylène (PET)", "tereftalato de polietileno",
     "بولي إيثيلين تيريفثالات", "полиэтилентерефталат", "聚对苯二甲酸乙二醇酯"),
    ("PVC", "polyvinyl chloride (PVC)", "polychlorure de vinyle (PVC)", "policloruro de vinilo (PVC)",
     "بولي فينيل كلوريد", "поливинилхлорид", "聚氯乙烯"),
    ("PA", "polyamide (nylon)", "polyamide (nylon)", "poliamida (nailon)", "بولي أميد (نايلون)",
     "полиамид (нейлон)", "聚酰胺（尼龙）"),
    ("PC", "polycarbonate (PC)", "polycarbonate", "policarbonato", "بولي كربونات", "поликарбонат", "聚碳酸酯"),
    ("PU", "polyurethane (PU, PUR)", "polyuréthane", "poliuretano", "بولي يوريثان", "полиуретан", "聚氨酯"),
    ("ABS", "acrylonitrile butadiene styrene (ABS)", "ABS", "ABS", "أكريلونيتريل بوتادين ستايرين", "АБС-пластик",
     "ABS树脂"),
    ("PMMA", "poly(methyl methacrylate) (PMMA)", "polyméthacrylate de méthyle", "polimetilmetacrilato",
     "بولي ميثيل ميثاكريلات", "полиметилметакрилат", "聚甲基丙烯酸甲酯"),
    ("EVA", "ethylene vinyl acetate (EVA)", "éthylène-acétate de vinyle", "etileno-acetato de vinilo",
     "إيثيلين فينيل أسيتات", "этиленвинилацетат", "乙烯-醋酸乙烯共聚物"),
    ("PLA", "polylactic acid (PLA)", "acide polylactique", "ácido poliláctico", "حمض البوليلاكتيك",
     "полимолочная кислота", "聚乳酸"),
    ("PTFE", "polytetrafluoroethylene (PTFE)", "polytétrafluoroéthylène", "politetrafluoroetileno",
     "بولي تترافلوروإيثيلين", "политетрафторэтилен", "聚四氟乙烯"),
    ("CA", "cellulose acetate (CA)", "acétate de cellulose", "acetato de celulosa", "أسيتات السليلوز",
     "ацетат целлюлозы", "醋酸纤维素"),
    ("RUBBER", "rubber, elastomers", "caoutchouc, élastomères", "caucho, elastómeros", "مطاط", "резина, эластомеры",
     "橡胶、弹性体"),
    ("EPOXY", "epoxy resins", "résines époxy", "resinas epoxi", "راتنجات الإيبوكسي", "эпоксидные смолы", "环氧树脂"),
    ("BIOPLASTIC", "bioplastics (other)", "bioplastiques", "bioplásticos", "بلاستيك حيوي", "биопластики",
     "生物塑料"),
    ("THERMOPLASTIC", "other thermoplastics", "autres thermoplastiques", "otros termoplásticos",
     "لدائن حرارية أخرى", "прочие термопласты", "其他热塑性塑料"),
    ("FCM", "food-contact plastics (unspecified)", "plastiques au contact des aliments",
     "plásticos en contacto con alimentos", "بلاستيك ملامس للأغذية", "пластмассы для контакта с пищей",
     "食品接触塑料"),
    ("PLASTICS", "plastics (unspecified)", "plastiques (non précisé)", "plásticos (sin especificar)",
     "بلاستيك (غير محدد)", "пластмассы (не указано)", "塑料（未指明）"),
    ("OTHER", "other polymer or use (see the source label)", "autre polymère ou usage", "otro polímero o uso",
     "بوليمر أو استخدام آخر", "другой полимер или применение", "其他聚合物或用途"),
])

POLYMER_RULES: list[tuple[str, re.Pattern[str]]] = [(code, re.compile(p)) for code, p in [
    ("EPS", r"^\(e\)ps$|^eps\b|^xps$|expanded polystyrene"),
    ("PU", r"^\(?pur?\b|^tpu$|polyurethane"),
    ("LDPE", r"^l?ldpe$|low.?density"),
    ("HDPE", r"^hdpe$|high.?density"),
    ("PE", r"^pe$|^polyethylene$"),
    ("PP", r"^pp$|polypropylene"),
    ("PO", r"polyolefin|^po$"),
    ("PS", r"^h?ips$|^ps$|^polystyrene$|^hips$"),
    ("PET", r"^pet$|terephthalate|^pbt$"),
    ("PVC", r"^pvc\b|polyvinyl ?chloride|vinyl chloride"),
    ("PA", r"^pas?$|nylon|polyamide"),
    ("PC", r"^pc$|polycarbonate"),
    ("ABS", r"^abs$"),
    ("PMMA", r"^pmma$|acrylic"),
    ("EVA", r"^eva$|ethylene.?vinyl.?acetate"),
    ("PLA", r"^pla$|polylactic"),
    ("PTFE", r"^ptfe$"),
    ("CA", r"cellulose acetate|^ca$"),
    ("RUBBER", r"rubber|elastomer|^cr$|^csm$"),
    ("EPOXY", r"epox"),
    ("BIOPLASTIC", r"bioplastic"),
    ("THERMOPLASTIC", r"other - thermoplastic"),
    ("FCM", r"^fc ?plastics$|^fcpcs$"),
    ("PLASTICS", r"^plastics?$|^m-plastics$"),
]]


def polymer_code(raw: str) -> str | None:
    """The polymer code of one raw label; None for an empty or "no information" label."""
    text = raw.strip().lower()
    if not text or "no specific information" in text:
        return None
    if text.startswith("nias in "):  # "NIAS in PET": the polymer is the one named
        text = text[len("nias in "):]
    for code, pattern in POLYMER_RULES:
        if pattern.search(text):
            return code
    return "OTHER"


# Hazard classes (GHS/CLP) and the flags derived from them or from lists.
HAZARDS = _terms([
    ("carcinogenic", "carcinogenic", "cancérogène", "carcinógeno", "مسرطن", "канцероген", "致癌"),
    ("mutagenic", "germ cell mutagenic", "mutagène", "mutágeno", "مطفر", "мутаген", "致突变"),
    ("reprotoxic", "toxic for reproduction", "toxique pour la reproduction", "tóxico para la reproducción",
     "سام للتكاثر", "репродуктивная токсичность", "生殖毒性"),
    ("acute-toxic", "acute toxicity", "toxicité aiguë", "toxicidad aguda", "سمية حادة", "острая токсичность",
     "急性毒性"),
    ("skin", "skin corrosion/irritation", "corrosion/irritation cutanée", "corrosión/irritación cutánea",
     "تآكل/تهيج الجلد", "разъедание/раздражение кожи", "皮肤腐蚀/刺激"),
    ("eye", "serious eye damage/irritation", "lésions oculaires graves/irritation", "lesiones oculares graves",
     "تلف العين الشديد/تهيجها", "серьёзное повреждение глаз", "严重眼损伤/眼刺激"),
    ("sensitiser", "respiratory or skin sensitiser", "sensibilisant respiratoire ou cutané",
     "sensibilizante respiratorio o cutáneo", "محسس تنفسي أو جلدي", "сенсибилизатор", "呼吸道或皮肤致敏"),
    ("stot", "specific target organ toxicity", "toxicité spécifique pour certains organes cibles",
     "toxicidad específica en determinados órganos", "سمية شاملة لأعضاء مستهدفة محددة",
     "специфическая избирательная токсичность", "特异性靶器官毒性"),
    ("aspiration", "aspiration hazard", "danger par aspiration", "peligro por aspiración", "خطر الشفط",
     "опасность при аспирации", "吸入危害"),
    ("aquatic-acute", "acute aquatic toxicity", "toxicité aquatique aiguë", "toxicidad acuática aguda",
     "سمية مائية حادة", "острая водная токсичность", "急性水生毒性"),
    ("aquatic-chronic", "chronic aquatic toxicity", "toxicité aquatique chronique", "toxicidad acuática crónica",
     "سمية مائية مزمنة", "хроническая водная токсичность", "慢性水生毒性"),
])

FLAGS = _terms([
    ("CMR", "CMR (carcinogenic, mutagenic or toxic for reproduction)", "CMR (cancérogène, mutagène, reprotoxique)",
     "CMR (carcinógeno, mutágeno, tóxico para la reproducción)", "مسرطن أو مطفر أو سام للتكاثر",
     "КМР (канцероген, мутаген, репротоксикант)", "致癌、致突变或生殖毒性物质"),
    ("PBT", "PBT/vPvB (persistent, bioaccumulative, toxic)", "PBT/vPvB (persistant, bioaccumulable, toxique)",
     "PBT/mPmB (persistente, bioacumulable, tóxico)", "ثابت ومتراكم بيولوجيا وسام",
     "СБТ (стойкое, биоаккумулятивное, токсичное)", "持久性、生物累积性和毒性物质"),
    ("EDC", "endocrine disruptor (EDC)", "perturbateur endocrinien", "disruptor endocrino", "مادة مخلة بالغدد الصماء",
     "эндокринный разрушитель", "内分泌干扰物"),
])

# Regulatory and priority lists. `instrument` is the legal or published list; `annex` where one applies.
LISTINGS = _terms([
    ("stockholm", "Stockholm Convention (POPs)", "Convention de Stockholm (POP)", "Convenio de Estocolmo (COP)",
     "اتفاقية ستوكهولم (الملوثات العضوية الثابتة)", "Стокгольмская конвенция (СОЗ)",
     "斯德哥尔摩公约（持久性有机污染物）"),
    ("rotterdam", "Rotterdam Convention (PIC)", "Convention de Rotterdam", "Convenio de Róterdam", "اتفاقية روتردام",
     "Роттердамская конвенция", "鹿特丹公约"),
    ("montreal", "Montreal Protocol", "Protocole de Montréal", "Protocolo de Montreal", "بروتوكول مونتريال",
     "Монреальский протокол", "蒙特利尔议定书"),
    ("minamata", "Minamata Convention", "Convention de Minamata", "Convenio de Minamata", "اتفاقية ميناماتا",
     "Минаматская конвенция", "水俣公约"),
    ("eu-svhc", "EU REACH Candidate list (SVHC)", "Liste candidate REACH (SVHC)", "Lista de candidatas REACH (SEP)",
     "قائمة المواد المرشحة في ريتش", "Список кандидатов REACH (SVHC)", "欧盟REACH高度关注物质候选清单"),
    ("eu-reach-xiv", "EU REACH Annex XIV (authorisation)", "REACH annexe XIV (autorisation)",
     "REACH anexo XIV (autorización)", "ريتش الملحق الرابع عشر (الترخيص)", "REACH приложение XIV (авторизация)",
     "REACH附件十四（授权）"),
    ("eu-reach-xvii", "EU REACH Annex XVII (restriction)", "REACH annexe XVII (restriction)",
     "REACH anexo XVII (restricción)", "ريتش الملحق السابع عشر (التقييد)", "REACH приложение XVII (ограничение)",
     "REACH附件十七（限制）"),
    ("eu-10-2011", "EU food-contact plastics Union list (Reg. 10/2011)",
     "Liste de l'Union des matières plastiques au contact des denrées (Règl. 10/2011)",
     "Lista de la Unión de plásticos en contacto con alimentos (Reg. 10/2011)",
     "قائمة الاتحاد الأوروبي للبلاستيك الملامس للأغذية", "Список ЕС для пластмасс, контактирующих с пищей",
     "欧盟食品接触塑料联盟清单（第10/2011号条例）"),
    ("eu-rohs", "EU RoHS Directive", "Directive RoHS", "Directiva RoHS", "توجيه RoHS", "Директива RoHS",
     "欧盟RoHS指令"),
    ("eu-toys", "EU Toy Safety Directive", "Directive sur la sécurité des jouets",
     "Directiva sobre seguridad de juguetes",
     "توجيه سلامة الألعاب", "Директива о безопасности игрушек", "欧盟玩具安全指令"),
    ("eu-pops-regulation", "EU POPs Regulation", "Règlement POP de l'UE", "Reglamento COP de la UE",
     "لائحة الاتحاد الأوروبي للملوثات العضوية الثابتة", "Регламент ЕС о СОЗ", "欧盟持久性有机污染物条例"),
    ("eu-pic", "EU PIC Regulation 649/2012", "Règlement PIC 649/2012", "Reglamento PIC 649/2012",
     "لائحة الموافقة المسبقة عن علم", "Регламент PIC 649/2012", "欧盟事先知情同意条例"),
    ("prop65", "California Proposition 65", "Proposition 65 de Californie", "Proposición 65 de California",
     "المقترح 65 في كاليفورنيا", "Предложение 65 Калифорнии", "加州65号提案"),
    ("sin-list", "SIN List (ChemSec)", "Liste SIN", "Lista SIN", "قائمة SIN", "Список SIN", "SIN清单"),
    ("unep-edc", "UNEP/IPCP list of endocrine disruptors", "Liste PNUE des perturbateurs endocriniens",
     "Lista PNUMA de disruptores endocrinos", "قائمة برنامج الأمم المتحدة للبيئة للمخلات بالغدد الصماء",
     "Перечень ЮНЕП эндокринных разрушителей", "联合国环境署内分泌干扰物清单"),
    ("other-list", "other national or priority list", "autre liste nationale ou prioritaire",
     "otra lista nacional o prioritaria", "قائمة وطنية أو ذات أولوية أخرى", "другой национальный перечень",
     "其他国家或优先清单"),
])

SOURCE_NAMES = {
    "plasticmap": "PlasticMAP (Wiesinger, Wang & Hellweg 2021)",
    "cppdb": "CPPdb lists A/B (Groh et al. 2019)",
    "aurisano": "Aurisano, Weber & Fantke 2021, Table S3",
    "eu_10_2011": "EU Regulation 10/2011 Annex I Union list (ECHA export)",
    "stockholm": "Stockholm Convention POPs listings (compiled for this project)",
}

VOCABULARIES = {"function": FUNCTIONS, "polymer": POLYMERS, "hazard": HAZARDS, "flag": FLAGS, "listing": LISTINGS}


def label(facet: str, code: str, lang: str = "en") -> str:
    """The label of a code in a language (the code itself when the vocabulary does not know it)."""
    if facet == "source":
        return SOURCE_NAMES.get(code, code)
    term = VOCABULARIES.get(facet, {}).get(code)
    return term.label(lang) if term else code


def search_words() -> dict[str, list[str]]:
    """For every `facet:code`, all its labels: what a search document adds so other languages find it."""
    return {f"{facet}:{code}": term.labels() for facet, terms in VOCABULARIES.items() for code, term in terms.items()}


CAS_LIKE = re.compile(r"^\d{2,7}-\d{2}-\d$")


def is_cas_like(text: str) -> bool:
    """The shape of a CAS number (the check digit is verified on import, registry/cas.py's rule)."""
    return bool(CAS_LIKE.match(text.strip()))
