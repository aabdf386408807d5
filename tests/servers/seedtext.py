"""Word lists, people and subjects for seed.py: a few languages, each with the
charsets its mail is really sent in (the first one is the usual one)."""

LANGS = {
    "en": {
        "charsets": ["us-ascii", "utf-8"],
        "words": ("the meeting report budget draft review quarter plan release team customer "
                  "server backup schedule invoice project update deadline feedback question "
                  "agenda notes minutes proposal contract shipment travel office network issue "
                  "patch build test results numbers slides summary tomorrow today next week "
                  "please thanks regards attached below above changes version support ticket "
                  "migration database outage weekend holiday lunch coffee call room").split(),
        "subjects": ["Meeting notes for {w}", "Re: {w} and {w}", "Quarterly {w} review",
                     "Question about the {w}", "Updated {w} attached", "{w} {w} tomorrow?",
                     "Reminder: {w} deadline", "FYI: {w} changes", "Lunch on Friday",
                     "Build failed on {w}", "Your invoice #{n}", "Draft {w} for comments"],
        "greeting": "Hi {name},", "closing": "Thanks,",
    },
    "de": {
        "charsets": ["iso-8859-1", "windows-1252", "utf-8"],
        "words": ("Besprechung Bericht Änderung Größe Übersicht Prüfung Grüße für über "
                  "Möglichkeit Straße Entwurf Rechnung Lieferung nächste Woche heute morgen "
                  "Ergebnis Termin Kollegen Abstimmung Qualität Maßnahme schön müssen können "
                  "Frühstück Bürozeit Schlüssel Zuständigkeit Verfügbarkeit").split(),
        "subjects": ["Besprechung am {w}", "Änderungen im {w}", "Größe der {w}",
                     "Übersicht {w} und {w}", "Frage zur {w}", "Rechnung Nr. {n}"],
        "greeting": "Hallo {name},", "closing": "Viele Grüße",
        "cp1252_extra": ["\u20ac {n},00", "\u201eneu\u201c", "\u2013", "\u2026"],
    },
    "fr": {
        "charsets": ["iso-8859-1", "windows-1252", "utf-8"],
        "words": ("réunion déjà très façon élève côté où garçon rapport budget équipe "
                  "prochaine semaine aujourd'hui demain résultat problème réponse fenêtre "
                  "hôtel théâtre français été à ça voilà reçu envoyé pièce jointe").split(),
        "subjects": ["Réunion de {w}", "Compte rendu : {w}", "Question sur {w}",
                     "Pièce jointe : {w}", "Déjà {w} ?", "Facture n° {n}"],
        "greeting": "Bonjour {name},", "closing": "Cordialement,",
        "cp1252_extra": ["\u0153uvre", "\u20ac {n}", "\u2019", "\u2026"],
    },
    "ru": {
        "charsets": ["koi8-r", "utf-8", "windows-1251"],
        "words": ("привет встреча отчёт проект сегодня завтра вопрос документ спасибо письмо "
                  "сервер команда неделя результат бюджет договор задача решение ошибка "
                  "версия обновление доступ совещание план").split(),
        "subjects": ["Встреча по {w}", "Отчёт за {w}", "Вопрос про {w}", "Документ {w}",
                     "Счёт N {n}", "Обновление {w}"],
        "greeting": "Здравствуйте, {name}!", "closing": "С уважением,",
    },
    "ja": {
        "charsets": ["iso-2022-jp", "utf-8", "shift_jis"],
        "words": ("会議 資料 確認 お願いします ありがとうございます 予定 報告書 明日 今週 "
                  "来週 担当 変更 添付 連絡 問題 対応 日程 打ち合わせ 件 よろしく").split(),
        "subjects": ["{w}の件", "{w}について", "【確認】{w}", "{w}と{w}", "請求書 {n}"],
        "greeting": "{name}様", "closing": "よろしくお願いします。",
    },
    "zh": {
        "charsets": ["gb18030", "utf-8", "gb2312"],
        "words": ("会议 报告 项目 明天 谢谢 请查收 附件 问题 讨论 进度 安排 时间 确认 "
                  "修改 文件 服务器 测试 结果 计划 预算").split(),
        "subjects": ["关于{w}", "{w}的{w}", "请查收：{w}", "{w}安排", "发票 {n}"],
        "greeting": "{name}，你好：", "closing": "谢谢！",
    },
}

# (display name, mailbox, language). Addresses are under .example domains.
PEOPLE = [
    ("Tom Baker", "tom.baker@corp.example", "en"),
    ("Sarah O'Connor", "sarah@corp.example", "en"),
    ("Dev Team", "dev@lists.example", "en"),
    ("Billing", "billing@shop.example", "en"),
    ("Priya Raman", "priya@research.example", "en"),
    ("John Smith, Jr.", "jsmith@corp.example", "en"),
    ("", "noreply@notify.example", "en"),
    ("Jürgen Müller", "juergen@firma.example", "de"),
    ("Käthe Schäfer", "kaethe@firma.example", "de"),
    ("Sören Groß", "soeren@verein.example", "de"),
    ("François Lefèvre", "francois@societe.example", "fr"),
    ("Zoë Brontë", "zoe@ecole.example", "fr"),
    ("Hélène Dupré", "helene@societe.example", "fr"),
    ("Иван Петров", "ivan@kompania.example", "ru"),
    ("Наталья Смирнова", "natalia@kompania.example", "ru"),
    ("山田太郎", "yamada@kaisha.example", "ja"),
    ("佐藤花子", "sato@kaisha.example", "ja"),
    ("王伟", "wangwei@gongsi.example", "zh"),
    ("李娜", "lina@gongsi.example", "zh"),
]

LISTS = [("dev.lists.example", "[dev]"), ("announce.lists.example", "[announce]")]

TIMEZONES = [0, 60, 120, -300, -240, -420, 330, 540, 480, 180, -180, 600]

ATTACHMENTS = [
    ("application/pdf", "report.pdf", b"%PDF-1.4\n"),
    ("image/png", "screenshot.png", b"\x89PNG\r\n\x1a\n"),
    ("application/zip", "archive.zip", b"PK\x03\x04"),
    ("application/octet-stream", "data.bin", b""),
    ("image/jpeg", "photo.jpg", b"\xff\xd8\xff\xe0"),
]
TEXT_ATTACHMENTS = [("text/csv", "numbers.csv"), ("text/plain", "notes.txt"),
                    ("text/csv", "Übersicht.csv"), ("text/plain", "отчёт.txt")]
