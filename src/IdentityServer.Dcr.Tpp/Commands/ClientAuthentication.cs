// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net.Http.Headers;
using System.Text;
using IdentityServer.Dcr.Tpp.Registration;
using IdentityServer.Dcr.Tpp.State;

namespace IdentityServer.Dcr.Tpp.Commands;

/// <summary>
/// The registered client authentication on a form posted to the bank (the token endpoint, the pushed authorization
/// request endpoint): a <c>private_key_jwt</c> assertion whose <c>aud</c> is that endpoint, <c>tls_client_auth</c>
/// (<c>client_id</c>, and the transport certificate on the connection), or a client secret.
/// </summary>
internal static class ClientAuthentication
{
    /// <summary>The method to use: the option, else the registered one, else <c>private_key_jwt</c>.</summary>
    public static string Method(string? option, TppState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return AuthMethods.Normalise(option ?? state.TokenEndpointAuthMethod ?? AuthMethods.PrivateKeyJwt);
    }

    /// <summary>
    /// Adds the client authentication for <paramref name="endpoint"/> to <paramref name="form"/>; returns the
    /// <c>Authorization</c> header to send (client_secret_basic only) and a description for the console.
    /// </summary>
    /// <param name="context">The command's context (signing key, clock).</param>
    /// <param name="state">The registered client.</param>
    /// <param name="method">The <c>token_endpoint_auth_method</c> to use.</param>
    /// <param name="endpoint">Where the form is posted: the assertion's <c>aud</c>.</param>
    /// <param name="form">The form to add the parameters to.</param>
    /// <param name="withClientId">Also send <c>client_id</c> with an assertion (RFC 7523 §3 allows it; RFC 9126 requests carry it).</param>
    public static (AuthenticationHeaderValue? Authorization, string Description) Apply(
        TppContext context, TppState state, string method, Uri endpoint, List<KeyValuePair<string, string>> form, bool withClientId)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(form);
        var clientId = state.ClientId ?? throw new TppException("no client_id: run 'obie-tpp register' first.");
        switch (method)
        {
            case AuthMethods.PrivateKeyJwt:
                using (var key = context.LoadSigningKey(state))
                {
                    if (withClientId)
                    {
                        form.Add(new("client_id", clientId));
                    }

                    form.Add(new("client_assertion_type", ClientAssertionBuilder.AssertionType));
                    form.Add(
                        new("client_assertion", ClientAssertionBuilder.BuildSigned(clientId, endpoint.AbsoluteUri, key, context.Time.GetUtcNow())));
                    return (null, $"private_key_jwt signed with {key.Algorithm} kid {key.KeyId}");
                }

            case AuthMethods.TlsClientAuth:
                if (state.TransportCertificateFile is null)
                {
                    throw new TppException(
                        "tls_client_auth needs the transport certificate: run 'obie-tpp sandbox enrol' or register with --transport-cert.");
                }

                form.Add(new("client_id", clientId));
                return (null, $"tls_client_auth as {state.TransportSubjectDn}");
            default:
                var secret = state.ClientSecret ?? throw new TppException($"{method} needs a client_secret, and the bank issued none.");
                if (method == AuthMethods.ClientSecretBasic)
                {
                    // RFC 6749 §2.3.1: form-urlencode both parts before base64.
                    var credentials = Uri.EscapeDataString(clientId) + ":" + Uri.EscapeDataString(secret);
                    return (new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials))), method);
                }

                form.Add(new("client_id", clientId));
                form.Add(new("client_secret", secret));
                return (null, method);
        }
    }
}
