"""The words of the consent pages, in Swedish and English."""

from __future__ import annotations

from typing import Final

LANGUAGES: Final = ("sv", "en")

TEXT: Final[dict[str, dict[str, str]]] = {
    "sv": {
        "consents_title": "Dina samtycken",
        "consents_intro": "Här ser du vad du har samtyckt till och kan ändra det. Att "
        "återkalla ett samtycke går lika snabbt som att ge det: bocka ur och spara.",
        "status": "Status",
        "granted": "Samtycke givet",
        "refused": "Nej",
        "withdrawn": "Återkallat",
        "expired": "Har löpt ut",
        "never_asked": "Inte tillfrågad",
        "outdated_notice": "Texten har ändrats: ge samtycket igen om du vill",
        "age": "Jag är 13 år eller äldre, eller företräder ett företag.",
        "save": "Spara mina val",
        "saved": "Dina val är sparade.",
        "receipt": "Ladda ner kvitto på dina samtycken (JSON)",
        "invalid_title": "Länken gäller inte",
        "invalid": "Länken är okänd eller har gått ut. Be om en ny länk.",
        "link_title": "Se och ändra dina samtycken",
        "link_intro": "Ange din e-postadress så skickar vi en länk till sidan med dina "
        "samtycken. Där ger du eller återkallar ett samtycke med samma antal steg.",
        "email": "Din e-postadress",
        "send_link": "Skicka länken",
        "link_sent": "Om vi känner till adressen får du strax ett e-postmeddelande med en "
        "länk till dina samtycken. Länken gäller i 24 timmar.",
        "too_many": "En länk har redan begärts till den här adressen. Om vi känner till "
        "adressen finns länken i e-postmeddelandet vi skickade: använd den, eller be om en ny "
        "om en timme.",
        "too_many_here": "För många förfrågningar härifrån just nu. Försök igen om en timme.",
        "ask_new": "Be om en ny länk",
        "not_utf8": "Formuläret kunde inte läsas (det skickades inte som UTF-8). Inget har "
        "sparats. Skicka det igen.",
        "error_title": "Det gick inte att spara",
        "back": "Tillbaka",
        "unsubscribe_title": "Avsluta prenumeration",
        "unsubscribe_intro": "Ett klick avslutar utskicken som länken kom med. Du behöver "
        "inte logga in.",
        "unsubscribe_button": "Avsluta",
        "unsubscribed": "Klart. Du får inga fler utskick för",
        "cookies_title": "Kakor (cookies)",
        "cookies_intro": "Vi sätter bara nödvändiga kakor utan ditt samtycke. Du kan ändra "
        "eller återkalla ditt val när som helst via länken Cookie-inställningar längst ned "
        "på varje sida.",
        "accept_all": "Godkänn alla",
        "reject_all": "Avvisa alla",
        "save_choices": "Spara val",
        "always_on": "Alltid på",
        "name": "Namn",
        "set_by": "Sätts av",
        "purpose": "Ändamål",
        "lifetime": "Livslängd",
        "recipients": "Mottagare",
        "none": "Inga",
        "age_note": "Genom att godkänna intygar du att du är minst 13 år eller företräder "
        "ett företag.",
        "cookie_settings": "Cookie-inställningar",
        "language": "In English",
    },
    "en": {
        "consents_title": "Your consents",
        "consents_intro": "Here you see what you have consented to and can change it. "
        "Withdrawing a consent is as quick as giving it: untick and save.",
        "status": "Status",
        "granted": "Consent given",
        "refused": "No",
        "withdrawn": "Withdrawn",
        "expired": "Expired",
        "never_asked": "Not asked",
        "outdated_notice": "The text has changed: give the consent again if you wish",
        "age": "I am 13 or older, or I act for a business.",
        "save": "Save my choices",
        "saved": "Your choices are saved.",
        "receipt": "Download a receipt of your consents (JSON)",
        "invalid_title": "This link is not valid",
        "invalid": "The link is unknown or has expired. Ask for a new link.",
        "link_title": "See and change your consents",
        "link_intro": "Give your e-mail address and we send you a link to the page with your "
        "consents. There, giving and withdrawing a consent take the same steps.",
        "email": "Your e-mail address",
        "send_link": "Send the link",
        "link_sent": "If we know the address, an e-mail with a link to your consents is on "
        "its way. The link works for 24 hours.",
        "too_many": "A link has already been asked for this address. If we know the address, "
        "the link is in the e-mail we sent: use it, or ask for a new one in an hour.",
        "too_many_here": "Too many requests from here right now. Please try again in an hour.",
        "ask_new": "Ask for a new link",
        "not_utf8": "The form could not be read (it was not sent as UTF-8). Nothing was saved. "
        "Please send it again.",
        "error_title": "Could not save",
        "back": "Back",
        "unsubscribe_title": "Unsubscribe",
        "unsubscribe_intro": "One click ends the mailings this link came with. No login needed.",
        "unsubscribe_button": "Unsubscribe",
        "unsubscribed": "Done. You will get no more mailings for",
        "cookies_title": "Cookies",
        "cookies_intro": "We set only necessary cookies without your consent. You can change "
        "or withdraw your choice at any time with the Cookie settings link at the bottom of "
        "every page.",
        "accept_all": "Accept all",
        "reject_all": "Reject all",
        "save_choices": "Save choices",
        "always_on": "Always on",
        "name": "Name",
        "set_by": "Set by",
        "purpose": "Purpose",
        "lifetime": "Lifetime",
        "recipients": "Recipients",
        "none": "None",
        "age_note": "By accepting you confirm that you are 13 or older, or act for a business.",
        "cookie_settings": "Cookie settings",
        "language": "På svenska",
    },
}


def language_of(value: str | None) -> str:
    return value if value in LANGUAGES else "sv"
