"""Masking personal data before a message reaches the review inbox (api/review/masking.py)."""

from __future__ import annotations

import pytest

from api.review.masking import DATE, EMAIL, LINK, NAME, NUMBER, PHONE, mask


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # e-mail addresses, in any script around them
        ("schreiben Sie an amira.h+kim@example-mail.de bitte", f"schreiben Sie an {EMAIL} bitte"),
        ("email me: Ali_77@mail.example.org.", f"email me: {EMAIL}."),
        ("ایمیل من reza@example.ir است", f"ایمیل من {EMAIL} است"),
        ("мій e-mail olena.k@example.com.ua", f"мій e-mail {EMAIL}"),
        # phone numbers: international and German forms with spaces, dashes, slashes, brackets
        ("ruf an: +49 176 12345678", f"ruf an: {PHONE}"),
        ("+49 (0)251 492-0 ist das Amt", f"{PHONE} ist das Amt"),
        ("0049 251 4925555", PHONE),
        ("meine Nummer 0176 1234 5678", f"meine Nummer {PHONE}"),
        ("Telefon 0251-492-5555 oder 0251/49 25 55", f"Telefon {PHONE} oder {PHONE}"),
        ("(0251) 123456", PHONE),
        ("телефон +380 67 123 45 67", f"телефон {PHONE}"),
        ("numaram 0532 123 45 67", f"numaram {PHONE}"),
        # Arabic-Indic and Persian digits
        ("رقمي ٠١٧٦١٢٣٤٥٦٧٨", f"رقمي {PHONE}"),
        ("رقمي +٤٩ ١٧٦ ١٢٣٤٥٦٧", f"رقمي {PHONE}"),
        ("شماره من ۰۹۱۲ ۳۴۵ ۶۷۸۹ است", f"شماره من {PHONE} است"),
        # long digit runs (IDs) and IBANs
        ("Aktenzeichen 12345678 vom Jobcenter", f"Aktenzeichen {NUMBER} vom Jobcenter"),
        ("IBAN DE89 3704 0044 0532 0130 00, bitte", f"IBAN {NUMBER}, bitte"),
        ("iban de89370400440532013000", f"iban {NUMBER}"),
        ("номер дела ٥٥٥٦٦٦٧٧٧", f"номер дела {NUMBER}"),
        # links and dates
        ("siehe https://example.org/antrag?id=5. Danke", f"siehe {LINK}. Danke"),
        ("www.example.de/formular", LINK),
        ("geboren am 12.03.1990 in Aleppo", f"geboren am {DATE} in Aleppo"),
    ],
)
def test_contact_data_and_numbers_are_masked(text, expected):
    assert mask(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ich heiße Amira und suche eine Wohnung", f"Ich heiße {NAME} und suche eine Wohnung"),
        ("ich heisse amira, bin 30", f"ich heisse {NAME}, bin 30"),
        ("Ich heiße Amira Hassan, ich brauche Hilfe", f"Ich heiße {NAME}, ich brauche Hilfe"),
        ("Mein Name ist Jonas.", f"Mein Name ist {NAME}."),
        ("My name is Ali and I need a flat", f"My name is {NAME} and I need a flat"),
        ("my name's Ali Rahimi", f"my name's {NAME}"),
        ("اسمي محمد وأبحث عن شقة", f"اسمي {NAME} وأبحث عن شقة"),
        ("اسمي هو محمد أحمد", f"اسمي هو {NAME}"),
        ("سلام، اسم من علی است و دنبال خانه هستم", f"سلام، اسم من {NAME} است و دنبال خانه هستم"),
        ("اسمم زهرا رضایی", f"اسمم {NAME}"),
        ("Меня зовут Анна Петрова, мне 34 года", f"Меня зовут {NAME}, мне 34 года"),
        ("меня зовут анна и я ищу работу", f"меня зовут {NAME} и я ищу работу"),
        ("Мене звати Олена, шукаю житло", f"Мене звати {NAME}, шукаю житло"),
        ("Merhaba, benim adım Ayşe Yılmaz. Ev arıyorum", f"Merhaba, benim adım {NAME}. Ev arıyorum"),
        ("Adım Mehmet, iş arıyorum", f"Adım {NAME}, iş arıyorum"),
        ("merhaba adim Emre", f"merhaba adim {NAME}"),
    ],
)
def test_names_after_a_name_phrase_are_masked_in_every_language(text, expected):
    assert mask(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Ich bin 34 Jahre alt und seit 2019 in Münster, PLZ 48143",
        "ich bin krank und brauche einen Arzt",
        "I need a B1 course, § 25b",
        "İlk adım ne olmalı?",
        "мне 19 лет, я из Харькова",
        "عمري ٣٥ سنة",
        "ich suche eine Wohnung für 2 Erwachsene und 3 Kinder",
    ],
)
def test_what_the_message_is_about_stays(text):
    assert mask(text) == text


def test_known_names_are_masked_wherever_they_stand():
    text = "Hallo, hier ist Amira. AMIRA braucht Hilfe, Frau Hassan auch"
    assert mask(text, ["Amira Hassan"]) == f"Hallo, hier ist {NAME}. {NAME} braucht Hilfe, Frau {NAME} auch"
    # A regular expression in a nickname is only a name.
    assert mask("ich bin a.*b", ["a.*b"]) == f"ich bin {NAME}"
    assert mask("اسم صغير: زهرا", ["زهرا"]) == f"اسم صغير: {NAME}"
    # Too short to mask without destroying the text.
    assert mask("a b c", ["a"]) == "a b c"


def test_masking_twice_changes_nothing_more():
    once = mask("Ich heiße Amira, Tel. 0176 12345678, amira@example.de, https://x.example")
    assert mask(once) == once
    assert "Amira" not in once and "0176" not in once and "example" not in once
