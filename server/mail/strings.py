"""What mails say, per UI language (en, fr, es); other locales fall back to English."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "invitation.subject": "{inviter} invites you to {space} on Citybridge",
        "invitation.intro": "{inviter} invites you to join the space “{space}” as {role}.",
        "invitation.cities": "Partner cities",
        "invitation.action": "Accept the invitation",
        "invitation.expires": "This link works until {expires}.",
        "reset.subject": "Reset your Citybridge password",
        "reset.intro": "Someone (hopefully you) asked to reset the password of your Citybridge account.",
        "reset.action": "Choose a new password",
        "reset.expires": "This link works once, for {minutes} minutes. If you did not ask, ignore this mail.",
        "mention.subject": "{author} mentioned you in “{thread}”",
        "reply.subject": "{author} replied in “{thread}”",
        "notification.intro": "{author} wrote in “{thread}” ({space}):",
        "notification.action": "Open the thread",
        "notification.why": "You get this mail because of your notification settings for {space}.",
        "direct.subject": "{author} wrote to you on Citybridge",
        "direct.subject_titled": "{author} wrote in “{title}”",
        "direct.intro": "{author} wrote to you in a conversation with {people}:",
        "direct.action": "Open the conversation",
        "direct.why": (
            "You get this mail because you had not read this message {minutes} minutes after it was sent. "
            "Only the participants can read a conversation."
        ),
        "unsubscribe": "Stop these mails",
        "role.member": "a member",
        "role.moderator": "a moderator",
        "digest.subject.daily": "Your daily Citybridge summary",
        "digest.subject.weekly": "Your weekly Citybridge summary",
        "digest.intro": "What happened in your spaces since your last summary:",
        "digest.new_threads": "New threads",
        "digest.active_threads": "Most active threads",
        "digest.resources": "New practices and documents",
        "digest.messages": "{count} new messages",
        "digest.why": "You get this summary because of your notification settings.",
        "batch.subject": "{count} new messages for you on Citybridge",
        "batch.why": "Your notification settings gather these mails into one.",
        "email_change.subject": "Confirm your new Citybridge email address",
        "email_change.intro": "Someone (hopefully you) asked to use this address for their Citybridge account.",
        "email_change.action": "Confirm this address",
        "email_change.expires": "This link works once, for {minutes} minutes. If you did not ask, ignore this mail.",
        "email_change_notice.subject": "Your Citybridge email address is being changed",
        "email_change_notice.intro": "Someone signed in to your account asked to move it to {new_email}. "
        "The change happens only once that address confirms it.",
        "email_change_notice.not_you": "If this was not you, reset your password on the sign-in page now "
        "(that signs out every device) and tell an administrator.",
        "milestone.subject": "Overdue: {milestone} ({city})",
        "milestone.intro": "The milestone “{milestone}” of {city}'s transfer plan in {space} was due on {due_on} "
        "and is still open.",
        "milestone.practice": "The practice being transferred: “{practice}” ({mentor}).",
        "milestone.role.owner": "You own this milestone.",
        "milestone.role.coordinator": "You coordinate this transfer.",
        "milestone.role.both": "You own this milestone and coordinate this transfer.",
        "milestone.action": "Open the transfer",
        "milestone.hint": "Mark it done or dropped, or give it a new date, in the plan. A new date that passes too "
        "brings one more reminder.",
    },
    "fr": {
        "invitation.subject": "{inviter} vous invite dans {space} sur Citybridge",
        "invitation.intro": "{inviter} vous invite à rejoindre l’espace « {space} » comme {role}.",
        "invitation.cities": "Villes partenaires",
        "invitation.action": "Accepter l’invitation",
        "invitation.expires": "Ce lien est valable jusqu’au {expires}.",
        "reset.subject": "Réinitialiser votre mot de passe Citybridge",
        "reset.intro": "Quelqu’un (vous, espérons-le) a demandé à réinitialiser le mot de passe de votre compte.",
        "reset.action": "Choisir un nouveau mot de passe",
        "reset.expires": "Ce lien ne sert qu’une fois, pendant {minutes} minutes. Sinon, ignorez ce message.",
        "mention.subject": "{author} vous a mentionné dans « {thread} »",
        "reply.subject": "{author} a répondu dans « {thread} »",
        "notification.intro": "{author} a écrit dans « {thread} » ({space}) :",
        "notification.action": "Ouvrir la discussion",
        "notification.why": "Vous recevez ce message selon vos préférences de notification pour {space}.",
        "direct.subject": "{author} vous a écrit sur Citybridge",
        "direct.subject_titled": "{author} a écrit dans « {title} »",
        "direct.intro": "{author} vous a écrit dans une conversation avec {people} :",
        "direct.action": "Ouvrir la conversation",
        "direct.why": (
            "Vous recevez ce message parce que vous ne l'aviez pas lu {minutes} minutes après son envoi. "
            "Seuls les participants peuvent lire une conversation."
        ),
        "unsubscribe": "Ne plus recevoir ces messages",
        "role.member": "membre",
        "role.moderator": "modérateur",
        "digest.subject.daily": "Votre résumé Citybridge du jour",
        "digest.subject.weekly": "Votre résumé Citybridge de la semaine",
        "digest.intro": "Ce qui s’est passé dans vos espaces depuis votre dernier résumé :",
        "digest.new_threads": "Nouvelles discussions",
        "digest.active_threads": "Discussions les plus actives",
        "digest.resources": "Nouvelles pratiques et nouveaux documents",
        "digest.messages": "{count} nouveaux messages",
        "digest.why": "Vous recevez ce résumé selon vos préférences de notification.",
        "batch.subject": "{count} nouveaux messages pour vous sur Citybridge",
        "batch.why": "Vos préférences de notification regroupent ces messages en un seul.",
        "email_change.subject": "Confirmez votre nouvelle adresse e-mail Citybridge",
        "email_change.intro": "Quelqu’un (vous, espérons-le) veut utiliser cette adresse pour son compte Citybridge.",
        "email_change.action": "Confirmer cette adresse",
        "email_change.expires": "Ce lien ne sert qu’une fois, pendant {minutes} minutes. Sinon, ignorez ce message.",
        "email_change_notice.subject": "L’adresse e-mail de votre compte Citybridge va changer",
        "email_change_notice.intro": "Une personne connectée à votre compte a demandé à le déplacer vers {new_email}. "
        "Le changement n’aura lieu qu’une fois cette adresse confirmée.",
        "email_change_notice.not_you": "Si ce n’était pas vous, réinitialisez tout de suite votre mot de passe depuis "
        "la page de connexion (cela déconnecte tous les appareils) et prévenez un administrateur.",
        "milestone.subject": "En retard : {milestone} ({city})",
        "milestone.intro": "L’étape « {milestone} » du plan de transfert de {city} dans {space} était prévue "
        "pour le {due_on} et reste ouverte.",
        "milestone.practice": "La pratique transférée : « {practice} » ({mentor}).",
        "milestone.role.owner": "Vous êtes responsable de cette étape.",
        "milestone.role.coordinator": "Vous coordonnez ce transfert.",
        "milestone.role.both": "Vous êtes responsable de cette étape et coordonnez ce transfert.",
        "milestone.action": "Ouvrir le transfert",
        "milestone.hint": "Marquez-la comme faite ou abandonnée, ou donnez-lui une nouvelle date, dans le plan. "
        "Une nouvelle date dépassée à son tour entraîne un nouveau rappel.",
    },
    "es": {
        "invitation.subject": "{inviter} le invita a {space} en Citybridge",
        "invitation.intro": "{inviter} le invita a unirse al espacio «{space}» como {role}.",
        "invitation.cities": "Ciudades socias",
        "invitation.action": "Aceptar la invitación",
        "invitation.expires": "Este enlace vale hasta el {expires}.",
        "reset.subject": "Restablecer su contraseña de Citybridge",
        "reset.intro": "Alguien (esperamos que usted) pidió restablecer la contraseña de su cuenta.",
        "reset.action": "Elegir una contraseña nueva",
        "reset.expires": "Este enlace sirve una vez, durante {minutes} minutos. Si no lo pidió, ignore este correo.",
        "mention.subject": "{author} le mencionó en «{thread}»",
        "reply.subject": "{author} respondió en «{thread}»",
        "notification.intro": "{author} escribió en «{thread}» ({space}):",
        "notification.action": "Abrir el hilo",
        "notification.why": "Recibe este correo por sus preferencias de notificación para {space}.",
        "direct.subject": "{author} le escribió en Citybridge",
        "direct.subject_titled": "{author} escribió en «{title}»",
        "direct.intro": "{author} le escribió en una conversación con {people}:",
        "direct.action": "Abrir la conversación",
        "direct.why": (
            "Recibe este correo porque no había leído este mensaje {minutes} minutos después de su envío. "
            "Solo los participantes pueden leer una conversación."
        ),
        "unsubscribe": "Dejar de recibir estos correos",
        "role.member": "miembro",
        "role.moderator": "moderador",
        "digest.subject.daily": "Su resumen diario de Citybridge",
        "digest.subject.weekly": "Su resumen semanal de Citybridge",
        "digest.intro": "Lo que pasó en sus espacios desde su último resumen:",
        "digest.new_threads": "Hilos nuevos",
        "digest.active_threads": "Hilos más activos",
        "digest.resources": "Prácticas y documentos nuevos",
        "digest.messages": "{count} mensajes nuevos",
        "digest.why": "Recibe este resumen por sus preferencias de notificación.",
        "batch.subject": "{count} mensajes nuevos para usted en Citybridge",
        "batch.why": "Sus preferencias de notificación reúnen estos correos en uno.",
        "email_change.subject": "Confirme su nueva dirección de correo de Citybridge",
        "email_change.intro": "Alguien (esperamos que usted) pidió usar esta dirección para su cuenta de Citybridge.",
        "email_change.action": "Confirmar esta dirección",
        "email_change.expires": "Este enlace sirve una vez, durante {minutes} minutos. "
        "Si no lo pidió, ignore este correo.",
        "email_change_notice.subject": "La dirección de correo de su cuenta de Citybridge va a cambiar",
        "email_change_notice.intro": "Alguien con sesión en su cuenta pidió moverla a {new_email}. "
        "El cambio solo ocurre cuando esa dirección lo confirma.",
        "email_change_notice.not_you": "Si no fue usted, restablezca ya su contraseña en la página de inicio de sesión "
        "(eso cierra la sesión en todos los dispositivos) y avise a un administrador.",
        "milestone.subject": "Con retraso: {milestone} ({city})",
        "milestone.intro": "El hito «{milestone}» del plan de transferencia de {city} en {space} vencía el "
        "{due_on} y sigue abierto.",
        "milestone.practice": "La práctica que se transfiere: «{practice}» ({mentor}).",
        "milestone.role.owner": "Usted es responsable de este hito.",
        "milestone.role.coordinator": "Usted coordina esta transferencia.",
        "milestone.role.both": "Usted es responsable de este hito y coordina esta transferencia.",
        "milestone.action": "Abrir la transferencia",
        "milestone.hint": "Márquelo como hecho o descartado, o dele una nueva fecha, en el plan. Si la nueva fecha "
        "también pasa, recibirá otro aviso.",
    },
}

LOCALES = tuple(STRINGS)


def locale_of(locale: str | None) -> str:
    base = (locale or "en").split("-")[0].lower()
    return base if base in STRINGS else "en"


def say(locale: str, key: str, **values: object) -> str:
    return STRINGS[locale_of(locale)][key].format(**values)
