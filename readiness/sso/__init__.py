"""Single sign-on with the organization's OpenID Connect provider (Microsoft Entra ID first).

client.py   the provider's client (Authlib), built from the settings
services.py who a provider's identity is here, and which groups it brings
views.py    sign-in start and return, sign-out, the password form's rules
backends.py who may use the password form (PASSWORD_LOGIN), and the single sign-on sessions
"""
