"""Fill locale/ru with the center's Russian translations (run after makemessages).

Kept as data so that re-running makemessages never loses a translation:
`python locale/translate_ru.py && python manage.py compilemessages`.
"""

import pathlib

import polib

RU = {
    # the expert network's e-mails
    "We have received your application to the Regional Expert Network": "Мы получили вашу заявку в Региональную экспертную сеть",
    "Welcome to the Regional Expert Network": "Добро пожаловать в Региональную экспертную сеть",
    "Your application to the Regional Expert Network": "Ваша заявка в Региональную экспертную сеть",
    "Your membership of the Regional Expert Network is paused": "Ваше членство в Региональной экспертной сети приостановлено",
    "Your membership of the Regional Expert Network is active again": "Ваше членство в Региональной экспертной сети возобновлено",
    "Thank you for applying to the Regional Expert Network. The network office will review your application and CV and write to you with its decision.": "Благодарим вас за заявку в Региональную экспертную сеть. Секретариат сети рассмотрит вашу заявку и резюме и сообщит вам о решении.",
    "Your application is approved: you are now a member of the Regional Expert Network. Coordinators may invite you to teach the center's trainings.": "Ваша заявка одобрена: теперь вы член Региональной экспертной сети. Координаторы могут пригласить вас вести тренинги центра.",
    "Thank you for your interest in the Regional Expert Network. After review, the network office cannot accept your application.": "Благодарим вас за интерес к Региональной экспертной сети. По итогам рассмотрения секретариат сети не может принять вашу заявку.",
    "Your membership of the Regional Expert Network is paused: your profile is not in the directory and you will not be invited to teach until it is renewed.": "Ваше членство в Региональной экспертной сети приостановлено: вашего профиля нет в справочнике, и вас не будут приглашать вести занятия, пока членство не возобновится.",
    "Your membership of the Regional Expert Network is active again.": "Ваше членство в Региональной экспертной сети снова действует.",
    "Message from the network office:": "Сообщение секретариата сети:",
    "Your public profile:": "Ваш публичный профиль:",
    "Your public profile": "Ваш публичный профиль",
    "Your profile is not public: you have not consented to a public profile.": "Ваш профиль не публичен: вы не дали согласия на публичный профиль.",
    "Show or hide your public profile at any time:": "Показать или скрыть ваш публичный профиль можно в любое время:",
    "Show or hide your public profile": "Показать или скрыть публичный профиль",
    "Experts": "Эксперты",
    # e-mails
    "Dear %(name)s,": "Уважаемый(ая) %(name)s,",
    "Registration received: %(title)s": "Заявка получена: %(title)s",
    "Your seat is confirmed: %(title)s": "Ваше место подтверждено: %(title)s",
    "Waiting list: %(title)s": "Лист ожидания: %(title)s",
    "A seat is yours: %(title)s": "Место за вами: %(title)s",
    "Your registration for %(title)s": "Ваша заявка на «%(title)s»",
    "Registration cancelled: %(title)s": "Регистрация отменена: %(title)s",
    "Reminder: %(title)s starts soon": "Напоминание: скоро начинается «%(title)s»",
    "We have received your registration for “%(title)s”. The coordinator will review it and write to you.": "Мы получили вашу заявку на «%(title)s». Координатор рассмотрит её и напишет вам.",
    "Your seat at “%(title)s” is confirmed. The calendar of the sessions is attached.": "Ваше место на «%(title)s» подтверждено. Календарь занятий — во вложении.",
    "“%(title)s” is full for now: you are on the waiting list. We will write to you as soon as a seat is yours.": "Мест на «%(title)s» пока нет: вы в листе ожидания. Мы напишем, как только место освободится для вас.",
    "You are number %(position)s on the waiting list.": "Ваш номер в листе ожидания: %(position)s.",
    "Good news: a seat at “%(title)s” has become free and it is yours. The calendar of the sessions is attached.": "Хорошая новость: на «%(title)s» освободилось место, и оно ваше. Календарь занятий — во вложении.",
    "We are sorry: your registration for “%(title)s” could not be accepted.": "К сожалению, ваша заявка на «%(title)s» не может быть принята.",
    "Your registration for “%(title)s” is cancelled.": "Ваша регистрация на «%(title)s» отменена.",
    "A reminder: “%(title)s” starts soon. The calendar of the sessions is attached.": "Напоминаем: скоро начинается «%(title)s». Календарь занятий — во вложении.",
    "Reason": "Причина",
    "Dates": "Даты",
    "Venue": "Место проведения",
    "Online link": "Ссылка для подключения",
    "Agenda": "Программа",
    "See your registration, update your contact details or cancel, at:": "Посмотреть регистрацию, обновить контакты или отменить участие:",
    "Your registration": "Ваша регистрация",
    "Your link to your trainings": "Ссылка на ваши тренинги",
    "Open this link to see all your registrations. It works once, within an hour:": "Откройте ссылку, чтобы увидеть все ваши регистрации. Она действует один раз в течение часа:",
    "If you did not ask for it, ignore this e-mail.": "Если вы не запрашивали ссылку, просто проигнорируйте это письмо.",
    "My trainings": "Мои тренинги",
    "Your certificate: %(title)s": "Ваш сертификат: %(title)s",
    "Your certificate for “%(title)s” is ready: it is attached, and you can download it again from your registration page.": "Ваш сертификат о прохождении «%(title)s» готов: он во вложении, и его всегда можно скачать со страницы вашей регистрации.",
    "Certificate verification": "Проверка сертификата",
    "Verify a certificate": "Проверить сертификат",
    "Verification code": "Код проверки",
    "Verify": "Проверить",
    "Valid": "Действителен",
    "Revoked": "Отозван",
    "Unknown code.": "Неизвестный код.",
    "this certificate was issued by the center and is valid.": "этот сертификат выдан центром и действителен.",
    "Download your certificate": "Скачать сертификат",
    "Central Asia": "Центральная Азия",
    "Eastern Partnership": "Восточное партнёрство",
    "Middle East": "Ближний Восток",
    "Other": "Другое",
    "Contents": "Содержание",
    "Page %(page)s of %(pages)s": "Страница %(page)s из %(pages)s",
    "Activity report": "Отчёт о деятельности",
    "Training report": "Отчёт о тренинге",
    "Curriculum coverage": "Охват учебной программы",
    "Reports": "Отчёты",
    "Jobs": "Задания",
    # pages
    "Trainings": "Тренинги",
    "About": "О центре",
    "Home": "Главная",
    "Find a training": "Найти тренинг",
    "Upcoming trainings": "Ближайшие тренинги",
    "trainings held": "проведено тренингов",
    "participants trained": "обучено участников",
    "countries": "стран",
    "Register": "Зарегистрироваться",
    "Join the waiting list": "Встать в лист ожидания",
    "Status": "Статус",
    "Confirmed": "Подтверждено",
    "On the waiting list": "В листе ожидания",
    "Awaiting approval": "Ожидает одобрения",
    "Not accepted": "Не принято",
    "Cancelled": "Отменено",
    "Cancel my registration": "Отменить мою регистрацию",
    "Submit registration": "Отправить заявку",
    "About you": "О вас",
    "Your work": "Ваша работа",
    "given name": "имя",
    "family name": "фамилия",
    "e-mail": "эл. почта",
    "phone": "телефон",
    "gender": "пол",
    "country of nationality": "гражданство",
    "country of residence": "страна проживания",
    "organisation": "организация",
    "organisation type": "тип организации",
    "position": "должность",
    "preferred language": "предпочтительный язык",
    "Female": "Женский",
    "Male": "Мужской",
    "Yes": "Да",
    "No": "Нет",
    "Language": "Язык",
    "Go": "OK",
    "Registration for this training is closed.": "Регистрация на этот тренинг закрыта.",
    "This e-mail address is already registered for this training.": "Этот адрес эл. почты уже зарегистрирован на этот тренинг.",
    "This training is full and has no waiting list.": "Мест на тренинге нет, и лист ожидания не ведётся.",
}


def main() -> None:
    path = pathlib.Path(__file__).parent / "ru" / "LC_MESSAGES" / "django.po"
    catalog = polib.pofile(str(path))
    for entry in catalog:
        if entry.msgid in RU:
            entry.msgstr = RU[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    catalog.save()
    print(f"{catalog.percent_translated()}% translated")


if __name__ == "__main__":
    main()
