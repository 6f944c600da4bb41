// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Duende.IdentityServer;
using Duende.IdentityServer.Extensions;
using Duende.IdentityServer.Models;
using Duende.IdentityServer.Validation;
using IdentityServer.Dcr.DistinguishedNames;
using IdentityServer.Dcr.Duende.Logging;
using IdentityServer.Dcr.Registration;
using IdentityServer.Dcr.Validation;
using Microsoft.Extensions.Logging;
using System.Security.Cryptography.X509Certificates;

namespace IdentityServer.Dcr.Duende.ClientAuthentication;

/// <summary>
/// <c>tls_client_auth</c> by subject name (<see cref="ObieSecretTypes.X509SubjectDistinguishedName"/> secrets): the
/// certificate must chain to the bank's trusted roots (the engine's <see cref="ITransportCertificateValidator"/>) and
/// its subject must match <c>tls_client_auth_subject_dn</c> as a normalised distinguished name
/// (<see cref="DistinguishedName.Matches"/>: any attribute order, case and spacing, RFC 4514 or OpenSSL forms).
/// </summary>
/// <remarks>
/// Duende's <c>X509NameSecretValidator</c> compares <c>Subject</c> strings exactly, so <c>CN=x,O=y,C=GB</c> never
/// matches .NET's <c>CN=x, O=y, C=GB</c>. On success the certificate thumbprint is returned as the <c>cnf</c> claim
/// for certificate-bound tokens, as Duende's own X.509 validators do.
/// </remarks>
public class DistinguishedNameSecretValidator : ISecretValidator
{
    /// <summary>Creates the validator.</summary>
    /// <param name="transport">The engine's transport certificate validator (chain check).</param>
    /// <param name="logger">The logger.</param>
    public DistinguishedNameSecretValidator(ITransportCertificateValidator transport, ILogger<DistinguishedNameSecretValidator> logger)
    {
        Transport = transport;
        Logger = logger;
    }

    /// <summary>The engine's transport certificate validator.</summary>
    protected ITransportCertificateValidator Transport { get; }

    /// <summary>The logger.</summary>
    protected ILogger Logger { get; }

    /// <inheritdoc />
    public virtual async Task<SecretValidationResult> ValidateAsync(IEnumerable<Secret> secrets, ParsedSecret parsedSecret)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(parsedSecret);
        var fail = new SecretValidationResult { Success = false };
        if (parsedSecret.Type != IdentityServerConstants.ParsedSecretTypes.X509Certificate || parsedSecret.Credential is not X509Certificate2 certificate)
        {
            return fail;
        }

        var names = secrets
            .Where(s => s.Type == ObieSecretTypes.X509SubjectDistinguishedName && (s.Expiration is null || s.Expiration > DateTime.UtcNow))
            .Select(s => DistinguishedName.TryParse(s.Value, out var name) ? name : null)
            .OfType<DistinguishedName>()
            .ToList();
        if (names.Count == 0)
        {
            return fail;
        }

        var chain = await Transport.ValidateCertificateAsync(new DcrRequestContext(new DcrRequest(null, ReadOnlyMemory<byte>.Empty, certificate)), CancellationToken.None).ConfigureAwait(false);
        if (!chain.Succeeded)
        {
            Logger.CertificateRefused(certificate.Thumbprint, chain.Error.ErrorDescription);
            return fail;
        }

        var subject = DistinguishedName.FromX500(certificate.SubjectName);
        if (!names.Any(subject.Matches))
        {
            Logger.CertificateRefused(certificate.Thumbprint, "the subject does not match tls_client_auth_subject_dn");
            return fail;
        }

        return new SecretValidationResult { Success = true, Confirmation = certificate.CreateThumbprintCnf() };
    }
}
