"""Every write about organisations and endorsements, one module per concern. Views, the
admin, the allauth adapter, commands and tasks call these; none of them changes a status or
saves an organisation by itself.

- `lifecycle`: an endorsement's status, dates, decision and hold, and the audit trail: the
  one module that writes them, which every other module goes through
- `organizations`: an organisation's details (create, the organisation's change, a correction)
- `signing`: signing (signed out and signed in), withdrawal
- `verification`: what follows an address's confirmation (or its owner's "this was not me"),
  and a moderator's release of a held confirmation mail
- `moderation`: decisions and the moderators' digest
- `privacy`: purging unconfirmed sign-ups, erasing an organisation on request
- `imports`: signatures collected offline
"""
