// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.DistinguishedNames;
using IdentityServer.Dcr.Logging;
using IdentityServer.Dcr.Models;
using IdentityServer.Dcr.Registration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.Validation;

/// <summary>The default <see cref="ITransportCertificateValidator"/>.</summary>
public class TransportCertificateValidator : ITransportCertificateValidator
{
    private const string CommonNameOid = "2.5.4.3";
    private const string OrganizationalUnitOid = "2.5.4.11";
    private const string OrganizationIdentifierOid = "2.5.4.97";

    /// <summary>Creates the validator.</summary>
    /// <param name="options">The engine options.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">The logger.</param>
    public TransportCertificateValidator(IOptionsMonitor<DcrOptions> options, TimeProvider timeProvider, ILogger<TransportCertificateValidator> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        TimeProvider = timeProvider;
        Logger = logger;
    }

    /// <summary>The engine options.</summary>
    protected IOptionsMonitor<DcrOptions> Options { get; }

    /// <summary>The clock.</summary>
    protected TimeProvider TimeProvider { get; }

    /// <summary>The logger.</summary>
    protected ILogger Logger { get; }

    /// <inheritdoc />
    public virtual Task<DcrStepResult> ValidateCertificateAsync(DcrRequestContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = Options.CurrentValue.Transport;
        var certificate = context.Request.ClientCertificate;
        if (certificate is null)
        {
            if (!options.RequireClientCertificate)
            {
                return DcrStepResult.SuccessTask;
            }

            Logger.CertificateMissing();
            return Task.FromResult(DcrStepResult.Failure(DcrError.InvalidClientMetadata(DcrErrorDescriptions.CertificateMissing)));
        }

        return Task.FromResult(ValidateChain(certificate, options));
    }

    /// <inheritdoc />
    public virtual Task<DcrStepResult> ValidateChainAsync(X509Certificate2 certificate, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Task.FromResult(ValidateChain(certificate, Options.CurrentValue.Transport));
    }

    /// <inheritdoc />
    public virtual Task<DcrStepResult> ValidateRegistrationBindingAsync(X509Certificate2 certificate, ClientRegistration registration, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(registration);
        if (DistinguishedName.TryParse(registration.Metadata.TlsClientAuthSubjectDn, out var registeredSubject)
            && DistinguishedName.FromX500(certificate.SubjectName).Matches(registeredSubject))
        {
            return DcrStepResult.SuccessTask;
        }

        if (NamesTpp(certificate, registration.OrganisationId, registration.SoftwareId, CompetentAuthorityRegistrationId(registration.SoftwareStatementClaims)))
        {
            return DcrStepResult.SuccessTask;
        }

        Logger.CertificateNotOfRegistration(certificate.Thumbprint, registration.ClientId);
        return Task.FromResult(DcrStepResult.Failure(DcrError.InvalidClientMetadata(DcrErrorDescriptions.CertificateNotOfRegistration)));
    }

    /// <inheritdoc />
    public virtual Task<DcrStepResult> ValidateBindingAsync(DcrRequestContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var certificate = context.Request.ClientCertificate;
        var ssa = context.SoftwareStatement!;
        if (certificate is null || !Options.CurrentValue.Transport.RequireCertificateBoundToSoftwareStatement || IsBoundToSoftwareStatement(certificate, ssa))
        {
            return DcrStepResult.SuccessTask;
        }

        Logger.CertificateNotBound(certificate.Thumbprint, ssa.SoftwareId, ssa.OrganisationId);
        return Task.FromResult(DcrStepResult.Failure(DcrError.UnapprovedSoftwareStatement(
            "The transport certificate does not belong to the organisation or software of the software statement.")));
    }

    /// <summary>
    /// Builds the chain to <see cref="TransportOptions.TrustedRoots"/> only (the machine's store is not consulted) at the
    /// current time of <see cref="TimeProvider"/>, with <see cref="TransportOptions.RevocationMode"/>.
    /// </summary>
    /// <param name="certificate">The transport certificate.</param>
    /// <param name="options">The transport options.</param>
    /// <returns>Success, or the error to return.</returns>
    protected virtual DcrStepResult ValidateChain(X509Certificate2 certificate, TransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(options);
        using var chain = new X509Chain { ChainPolicy = options.CreateChainPolicy() };
        chain.ChainPolicy.VerificationTime = TimeProvider.GetUtcNow().UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;

        if (options.RequireClientAuthenticationUsage && !HasClientAuthenticationUsage(certificate))
        {
            // The chain's application policy accepts a certificate without the extension; a transport certificate
            // must state the usage.
            Logger.CertificateWithoutClientAuthentication(certificate.Thumbprint);
            return DcrError.InvalidClientMetadata(DcrErrorDescriptions.CertificateNotForClientAuthentication);
        }

        if (chain.Build(certificate))
        {
            return DcrStepResult.Success;
        }

        if (chain.ChainStatus.Any(s => s.Status == X509ChainStatusFlags.NotValidForUsage))
        {
            Logger.CertificateWithoutClientAuthentication(certificate.Thumbprint);
            return DcrError.InvalidClientMetadata(DcrErrorDescriptions.CertificateNotForClientAuthentication);
        }

        var status = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
        Logger.CertificateChainInvalid(certificate.Thumbprint, status);
        return DcrError.InvalidClientMetadata($"The transport certificate is not trusted by this bank ({status}).");
    }

    /// <summary>
    /// Whether the certificate names the TPP of the software statement. Open Banking certificates name it in one of
    /// these ways: <c>OU</c> = <c>org_id</c> and <c>CN</c> = <c>software_id</c> (OB legacy transport certificates);
    /// <c>CN</c> = <c>org_id</c> or <c>software_id</c>; or <c>organizationIdentifier</c> ending in the competent
    /// authority <c>registration_id</c> or the <c>org_id</c> (eIDAS and OBWAC, for example <c>PSDGB-OB-Unknown0015800001041RbAAI</c>).
    /// </summary>
    /// <param name="certificate">The transport certificate.</param>
    /// <param name="softwareStatement">The verified software statement.</param>
    /// <returns>Whether the certificate belongs to the TPP.</returns>
    protected virtual bool IsBoundToSoftwareStatement(X509Certificate2 certificate, SoftwareStatement softwareStatement)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(softwareStatement);
        return NamesTpp(certificate, softwareStatement.OrganisationId, softwareStatement.SoftwareId, softwareStatement.CompetentAuthorityRegistrationId);
    }

    /// <summary>The rule of <see cref="IsBoundToSoftwareStatement"/>, for an organisation, software and competent-authority registration.</summary>
    /// <param name="certificate">The transport certificate.</param>
    /// <param name="organisationId">The <c>org_id</c>.</param>
    /// <param name="softwareId">The <c>software_id</c>.</param>
    /// <param name="competentAuthorityRegistrationId">The competent-authority <c>registration_id</c>, if any.</param>
    /// <returns>Whether the certificate names the TPP.</returns>
    protected static bool NamesTpp(X509Certificate2 certificate, string organisationId, string softwareId, string? competentAuthorityRegistrationId)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        foreach (var rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements)
            {
                continue;
            }

            var oid = rdn.GetSingleElementType().Value;
            var value = rdn.GetSingleElementValue()?.Trim();
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            var matches = oid switch
            {
                OrganizationalUnitOid => Same(value, organisationId),
                CommonNameOid => Same(value, organisationId) || Same(value, softwareId),
                OrganizationIdentifierOid => EndsWithSegment(value, competentAuthorityRegistrationId)
                    || EndsWithSegment(value, organisationId),
                _ => false,
            };
            if (matches)
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasClientAuthenticationUsage(X509Certificate2 certificate)
    {
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509EnhancedKeyUsageExtension usage)
            {
                foreach (var oid in usage.EnhancedKeyUsages)
                {
                    if (oid.Value == TransportOptions.ClientAuthenticationOid)
                    {
                        return true;
                    }
                }

                return false;
            }
        }

        return false;
    }

    private static string? CompetentAuthorityRegistrationId(string claims)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(claims);
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && document.RootElement.TryGetProperty("organisation_competent_authority_claims", out var authority)
                && authority.ValueKind == System.Text.Json.JsonValueKind.Object
                && authority.TryGetProperty("registration_id", out var id)
                && id.ValueKind == System.Text.Json.JsonValueKind.String
                ? id.GetString()
                : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static bool Same(string value, string? expected)
        => expected is { Length: > 0 } && string.Equals(value, expected, StringComparison.Ordinal);

    // organizationIdentifier is "PSD" + country + "-" + NCA id + "-" + registration number (ETSI TS 119 495).
    private static bool EndsWithSegment(string value, string? expected)
        => expected is { Length: > 0 }
            && (string.Equals(value, expected, StringComparison.Ordinal)
                || (value.EndsWith(expected, StringComparison.Ordinal) && value.Length > expected.Length && value[^(expected.Length + 1)] == '-'));
}
