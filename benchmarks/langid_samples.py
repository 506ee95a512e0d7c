"""Short texts in 24 languages for language identification, shared by tests/test_text.py and
benchmarks/bench_ukru.py (which prints the accuracy table). Written for the project: one sentence each, as a
Telegram post or a headline gives them, no text of real news pages."""

from __future__ import annotations

# Short texts, one sentence each, as a Telegram post or a headline gives them. The stop-word counter this replaced
# read Romanian as Spanish, Bulgarian and Serbian as Russian or Ukrainian, and Polish and Turkish as nothing.
SAMPLES: list[tuple[str, str]] = [
    ("en", "The ministry said on Friday that two drones were shot down over the city overnight."),
    ("en", "Officials confirmed the bridge was closed after the strike and repairs would take weeks."),
    ("de", "Die Regierung teilte am Montag mit, dass die Grenze wieder geöffnet werde."),
    ("de", "Nach dem Angriff wurden mehrere Gebäude beschädigt, berichtete die Polizei."),
    ("fr", "Le ministère a déclaré vendredi que deux drones avaient été abattus pendant la nuit."),
    ("fr", "Les habitants ont été évacués après l'explosion, selon la mairie."),
    ("es", "El gobierno anunció el lunes que la frontera permanecerá cerrada hasta nuevo aviso."),
    ("es", "Varios edificios resultaron dañados tras el ataque, según la policía local."),
    ("it", "Il ministero ha dichiarato venerdì che due droni sono stati abbattuti durante la notte."),
    ("it", "Gli abitanti sono stati evacuati dopo l'esplosione, secondo il sindaco."),
    ("pt", "O governo anunciou na segunda-feira que a fronteira continuará fechada."),
    ("pt", "Vários edifícios ficaram danificados após o ataque, segundo a polícia."),
    ("nl", "De regering maakte maandag bekend dat de grens weer open gaat voor verkeer."),
    ("nl", "Na de aanval werden meerdere gebouwen beschadigd, meldde de politie."),
    ("ro", "Guvernul a anunțat luni că frontiera va rămâne închisă până la noi ordine."),
    ("ro", "Mai multe clădiri au fost avariate după atac, potrivit poliției locale."),
    ("pl", "Rząd ogłosił w poniedziałek, że granica pozostanie zamknięta do odwołania."),
    ("pl", "Po ataku uszkodzonych zostało kilka budynków, poinformowała policja."),
    ("cs", "Vláda v pondělí oznámila, že hranice zůstane až do odvolání uzavřena."),
    ("cs", "Po útoku bylo poškozeno několik budov, uvedla policie."),
    ("tr", "Hükümet pazartesi günü sınırın bir sonraki duyuruya kadar kapalı kalacağını açıkladı."),
    ("tr", "Saldırının ardından birkaç bina hasar gördü, polis açıklama yaptı."),
    ("hu", "A kormány hétfőn bejelentette, hogy a határ további értesítésig zárva marad."),
    ("hu", "A támadás után több épület megrongálódott, közölte a rendőrség."),
    ("sv", "Regeringen meddelade på måndagen att gränsen förblir stängd tills vidare."),
    ("sv", "Flera byggnader skadades efter attacken, enligt polisen."),
    ("ru", "Министерство обороны заявило, что ночью над городом были сбиты два беспилотника."),
    ("ru", "После удара несколько домов были повреждены, сообщили в администрации."),
    ("uk", "Міністерство оборони заявило, що вночі над містом збили два безпілотники."),
    ("uk", "Після удару кілька будинків було пошкоджено, повідомили в адміністрації."),
    ("bg", "Правителството обяви в понеделник, че границата остава затворена до второ нареждане."),
    ("bg", "След атаката няколко сгради бяха повредени, съобщиха от полицията."),
    ("sr", "Влада је у понедељак саопштила да ће граница остати затворена до даљњег."),
    ("sr", "Након напада оштећено је неколико зграда, саопштила је полиција."),
    ("be", "Урад заявіў у панядзелак, што мяжа застанецца зачыненай да далейшага паведамлення."),
    ("ar", "أعلنت الحكومة يوم الاثنين أن الحدود ستبقى مغلقة حتى إشعار آخر."),
    ("zh", "政府周一宣布，边境将继续关闭，直至另行通知。"),
    ("ja", "政府は月曜日、国境は追って通知があるまで閉鎖されたままになると発表した。"),
    ("ko", "정부는 월요일 추가 통지가 있을 때까지 국경이 폐쇄된 상태로 유지된다고 발표했다."),
    ("he", "הממשלה הודיעה ביום שני כי הגבול יישאר סגור עד להודעה חדשה."),
    ("el", "Η κυβέρνηση ανακοίνωσε τη Δευτέρα ότι τα σύνορα θα παραμείνουν κλειστά."),
]
