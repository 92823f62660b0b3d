"""Names customers use for a brand beyond its own `name_en`/`name_ar`, as (alias, brand slug,
kind).

`spelling` is another way to write the brand (Arabic spellings with and without hamza,
common misspellings); `line` is one of its product lines, in English and Arabic. Misspelt
product lines ("iphon") are not here: fixing typos is the normaliser's job, not the brand's.

Left out on purpose: ordinary words that would turn everyday messages into brand filters
("alpha", "hero", "swift", "envy", "yoga", "mate", "switch", "one", "blade"), so those lines
appear only with their brand in front; and words with another common meaning in Arabic
(بوس, دل, هواي, اسير). Aliases must stay distinct when compared the way MySQL's
utf8mb4_unicode_ci does (ignoring case and hamza/madda), so only one of "ابل"/"آبل" is here:
the normaliser folds the alef forms anyway.
"""

from __future__ import annotations

SPELLING = "spelling"
LINE = "line"

BRAND_ALIASES: tuple[tuple[str, str, str], ...] = (
    # --- apple ---------------------------------------------------------------------------
    ("ابل", "apple", SPELLING),
    ("appel", "apple", SPELLING),
    ("aple", "apple", SPELLING),
    ("iphone", "apple", LINE),
    ("ايفون", "apple", LINE),
    ("ipad", "apple", LINE),
    ("ايباد", "apple", LINE),
    ("اي باد", "apple", LINE),
    ("macbook", "apple", LINE),
    ("mac book", "apple", LINE),
    ("ماك بوك", "apple", LINE),
    ("ماكبوك", "apple", LINE),
    ("imac", "apple", LINE),
    ("ايماك", "apple", LINE),
    ("airpods", "apple", LINE),
    ("air pods", "apple", LINE),
    ("ايربودز", "apple", LINE),
    ("اير بودز", "apple", LINE),
    ("apple watch", "apple", LINE),
    ("ابل واتش", "apple", LINE),
    ("ساعة ابل", "apple", LINE),
    # --- samsung -------------------------------------------------------------------------
    ("سامسونغ", "samsung", SPELLING),
    ("سامسونق", "samsung", SPELLING),
    ("سامسنج", "samsung", SPELLING),
    ("سمسونج", "samsung", SPELLING),
    ("samsnug", "samsung", SPELLING),
    ("samsong", "samsung", SPELLING),
    ("samsumg", "samsung", SPELLING),
    ("samsang", "samsung", SPELLING),
    ("galaxy", "samsung", LINE),
    ("جالكسي", "samsung", LINE),
    ("جلاكسي", "samsung", LINE),
    ("جالاكسي", "samsung", LINE),
    ("غالاكسي", "samsung", LINE),
    # --- sony ----------------------------------------------------------------------------
    ("سونى", "sony", SPELLING),
    ("playstation", "sony", LINE),
    ("play station", "sony", LINE),
    ("بلايستيشن", "sony", LINE),
    ("بلاي ستيشن", "sony", LINE),
    ("بلاستيشن", "sony", LINE),
    ("ps5", "sony", LINE),
    ("ps4", "sony", LINE),
    ("bravia", "sony", LINE),
    ("برافيا", "sony", LINE),
    ("sony alpha", "sony", LINE),
    ("wh-1000xm", "sony", LINE),
    ("wh1000xm", "sony", LINE),
    # --- lenovo --------------------------------------------------------------------------
    ("لنوفو", "lenovo", SPELLING),
    ("لينوفا", "lenovo", SPELLING),
    ("linovo", "lenovo", SPELLING),
    ("lenova", "lenovo", SPELLING),
    ("thinkpad", "lenovo", LINE),
    ("think pad", "lenovo", LINE),
    ("ثينك باد", "lenovo", LINE),
    ("ثنك باد", "lenovo", LINE),
    ("legion", "lenovo", LINE),
    ("ليجن", "lenovo", LINE),
    ("ليجيون", "lenovo", LINE),
    ("ideapad", "lenovo", LINE),
    ("ايديا باد", "lenovo", LINE),
    ("lenovo yoga", "lenovo", LINE),
    ("لينوفو يوجا", "lenovo", LINE),
    # --- dell ----------------------------------------------------------------------------
    ("xps", "dell", LINE),
    ("اكس بي اس", "dell", LINE),
    ("alienware", "dell", LINE),
    ("الينوير", "dell", LINE),
    ("ايلين وير", "dell", LINE),
    ("inspiron", "dell", LINE),
    ("انسبايرون", "dell", LINE),
    ("latitude", "dell", LINE),
    ("لاتيتيود", "dell", LINE),
    # --- hp ------------------------------------------------------------------------------
    ("اتش بي", "hp", SPELLING),
    ("اش بي", "hp", SPELLING),
    ("hewlett packard", "hp", SPELLING),
    ("spectre", "hp", LINE),
    ("سبكتر", "hp", LINE),
    ("hp envy", "hp", LINE),
    ("pavilion", "hp", LINE),
    ("بافيليون", "hp", LINE),
    ("omen", "hp", LINE),
    ("اومن", "hp", LINE),
    ("elitebook", "hp", LINE),
    ("ايليت بوك", "hp", LINE),
    ("victus", "hp", LINE),
    # --- asus ----------------------------------------------------------------------------
    ("اسوس", "asus", SPELLING),
    ("ازوس", "asus", SPELLING),
    ("azus", "asus", SPELLING),
    ("rog", "asus", LINE),
    ("روج", "asus", LINE),
    ("zenbook", "asus", LINE),
    ("زين بوك", "asus", LINE),
    ("vivobook", "asus", LINE),
    ("فيفو بوك", "asus", LINE),
    ("tuf", "asus", LINE),
    # --- acer ----------------------------------------------------------------------------
    ("ايسر", "acer", SPELLING),
    ("predator", "acer", LINE),
    ("بريداتور", "acer", LINE),
    ("nitro", "acer", LINE),
    ("نايترو", "acer", LINE),
    ("acer swift", "acer", LINE),
    ("acer aspire", "acer", LINE),
    # --- msi -----------------------------------------------------------------------------
    ("ام اس اي", "msi", SPELLING),
    # --- microsoft -----------------------------------------------------------------------
    ("مايكروسفت", "microsoft", SPELLING),
    ("ميكروسوفت", "microsoft", SPELLING),
    ("مايكرو سوفت", "microsoft", SPELLING),
    ("microsft", "microsoft", SPELLING),
    ("surface", "microsoft", LINE),
    ("سرفس", "microsoft", LINE),
    ("سيرفس", "microsoft", LINE),
    ("xbox", "microsoft", LINE),
    ("x box", "microsoft", LINE),
    ("اكس بوكس", "microsoft", LINE),
    ("اكسبوكس", "microsoft", LINE),
    # --- google --------------------------------------------------------------------------
    ("قوقل", "google", SPELLING),
    ("غوغل", "google", SPELLING),
    ("قوجل", "google", SPELLING),
    ("googel", "google", SPELLING),
    ("pixel", "google", LINE),
    ("بكسل", "google", LINE),
    ("بيكسل", "google", LINE),
    # --- xiaomi --------------------------------------------------------------------------
    ("شياومي", "xiaomi", SPELLING),
    ("شيومي", "xiaomi", SPELLING),
    ("xiaomi mi", "xiaomi", SPELLING),
    ("xiomi", "xiaomi", SPELLING),
    ("xaomi", "xiaomi", SPELLING),
    ("redmi", "xiaomi", LINE),
    ("ريدمي", "xiaomi", LINE),
    ("poco", "xiaomi", LINE),
    ("بوكو", "xiaomi", LINE),
    # --- huawei --------------------------------------------------------------------------
    ("هواوى", "huawei", SPELLING),
    ("huawai", "huawei", SPELLING),
    ("hauwei", "huawei", SPELLING),
    ("matepad", "huawei", LINE),
    ("ميت باد", "huawei", LINE),
    ("huawei mate", "huawei", LINE),
    ("هواوي ميت", "huawei", LINE),
    ("huawei nova", "huawei", LINE),
    # --- oneplus -------------------------------------------------------------------------
    ("وان بلس", "oneplus", SPELLING),
    ("ون بلاس", "oneplus", SPELLING),
    ("one plus", "oneplus", SPELLING),
    # --- jbl -----------------------------------------------------------------------------
    ("جي بي ال", "jbl", SPELLING),
    # --- bose ----------------------------------------------------------------------------
    ("quietcomfort", "bose", LINE),
    ("quiet comfort", "bose", LINE),
    ("كوايت كومفورت", "bose", LINE),
    ("soundlink", "bose", LINE),
    # --- anker ---------------------------------------------------------------------------
    ("انكر", "anker", SPELLING),
    ("soundcore", "anker", LINE),
    ("ساوند كور", "anker", LINE),
    ("ساوندكور", "anker", LINE),
    # --- belkin --------------------------------------------------------------------------
    ("بلكن", "belkin", SPELLING),
    ("بيلكين", "belkin", SPELLING),
    # --- ugreen --------------------------------------------------------------------------
    ("يو جرين", "ugreen", SPELLING),
    ("يوقرين", "ugreen", SPELLING),
    ("يوغرين", "ugreen", SPELLING),
    ("u green", "ugreen", SPELLING),
    # --- lg ------------------------------------------------------------------------------
    ("ال جي", "lg", SPELLING),
    # --- tcl -----------------------------------------------------------------------------
    ("تي سي ال", "tcl", SPELLING),
    # --- canon ---------------------------------------------------------------------------
    ("كانن", "canon", SPELLING),
    ("cannon", "canon", SPELLING),
    ("eos", "canon", LINE),
    ("canon eos", "canon", LINE),
    # --- nikon ---------------------------------------------------------------------------
    ("نايكون", "nikon", SPELLING),
    ("nikkon", "nikon", SPELLING),
    # --- fujifilm ------------------------------------------------------------------------
    ("fuji", "fujifilm", SPELLING),
    ("فوجي", "fujifilm", SPELLING),
    ("فوجي فلم", "fujifilm", SPELLING),
    ("instax", "fujifilm", LINE),
    ("انستاكس", "fujifilm", LINE),
    # --- gopro ---------------------------------------------------------------------------
    ("جوبرو", "gopro", SPELLING),
    ("قوبرو", "gopro", SPELLING),
    ("go pro", "gopro", SPELLING),
    ("gopro hero", "gopro", LINE),
    # --- logitech ------------------------------------------------------------------------
    ("لوجيتيك", "logitech", SPELLING),
    ("لوجتك", "logitech", SPELLING),
    ("logitec", "logitech", SPELLING),
    ("mx master", "logitech", LINE),
    # --- razer ---------------------------------------------------------------------------
    ("رايزر", "razer", SPELLING),
    ("ريزير", "razer", SPELLING),
    ("deathadder", "razer", LINE),
    ("blackwidow", "razer", LINE),
    # --- nintendo ------------------------------------------------------------------------
    ("نينتيندو", "nintendo", SPELLING),
    ("نينتدو", "nintendo", SPELLING),
    ("nintindo", "nintendo", SPELLING),
    ("nintendo switch", "nintendo", LINE),
    ("سويتش", "nintendo", LINE),
    ("switch oled", "nintendo", LINE),
    ("switch lite", "nintendo", LINE),
    # --- garmin --------------------------------------------------------------------------
    ("قارمن", "garmin", SPELLING),
    ("جارمين", "garmin", SPELLING),
    ("غارمن", "garmin", SPELLING),
    ("forerunner", "garmin", LINE),
    ("garmin fenix", "garmin", LINE),
)
