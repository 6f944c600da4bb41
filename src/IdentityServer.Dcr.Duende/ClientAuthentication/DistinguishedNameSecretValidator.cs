// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Duende.IdentityServer;
using Duende.IdentityServer.Extensions;
using Duende.IdentityServer.Models;
using Duende.IdentityServer.Validation;
using IdentityServer.Dcr.ClientAuthentication;
using System.Security.Cryptography.X509Certificates;

namespace IdentityServer.Dcr.Duende.ClientAuthentication;

/// <summary>
/// <c>tls_client_auth</c> by subject name (<see cref="ObieSecretTypes.X509SubjectDistinguishedName"/> secrets), by the
/// engine's rule (<see cref="IClientAuthenticator.CheckTlsClientAuthAsync"/>): the certificate must chain to the bank's
/// transport roots with the client authentication usage, and its subject must match <c>tls_client_auth_subject_dn</c>
/// as a normalised distinguished name (any attribute order, case and spacing, RFC 4514 or OpenSSL forms).
/// </summary>
/// <remarks>
/// Duende's <c>X509NameSecretValidator</c> compares <c>Subject</c> strings exactly, so <c>CN=x,O=y,C=GB</c> never
/// matches .NET's <c>CN=x, O=y, C=GB</c>. On success the certificate thumbprint is returned as the <c>cnf</c> claim
/// for certificate-bound tokens, as Duende's own X.509 validators do.
/// </remarks>
public class DistinguishedNameSecretValidator : ISecretValidator
{
    /// <summary>Creates the validator.</summary>
    /// <param name="authenticator">The engine's client authentication rules (chain, subject DN).</param>
    /// <param name="timeProvider">The clock (secret expiry).</param>
    public DistinguishedNameSecretValidator(IClientAuthenticator authenticator, TimeProvider timeProvider)
    {
        Authenticator = authenticator;
        TimeProvider = timeProvider;
    }

    /// <summary>The engine's client authentication rules.</summary>
    protected IClientAuthenticator Authenticator { get; }

    /// <summary>The clock.</summary>
    protected TimeProvider TimeProvider { get; }

    /// <inheritdoc />
    public virtual async Task<SecretValidationResult> ValidateAsync(IEnumerable<Secret> secrets, ParsedSecret parsedSecret)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(parsedSecret);
        var fail = new SecretValidationResult { Success = false };
        if (parsedSecret.Type != IdentityServerConstants.ParsedSecretTypes.X509Certificate
            || parsedSecret.Credential is not X509Certificate2 certificate)
        {
            return fail;
        }

        var now = TimeProvider.GetUtcNow().UtcDateTime;
        foreach (
            var secret in secrets.Where(s => s.Type == ObieSecretTypes.X509SubjectDistinguishedName && (s.Expiration is null || s.Expiration > now)))
        {
            var registered = new RegisteredClient(parsedSecret.Id ?? string.Empty, "tls_client_auth", null, secret.Value, null);
            if (await Authenticator.CheckTlsClientAuthAsync(registered, certificate, CancellationToken.None).ConfigureAwait(false) is null)
            {
                return new SecretValidationResult { Success = true, Confirmation = certificate.CreateThumbprintCnf() };
            }
        }

        return fail;
    }
}
