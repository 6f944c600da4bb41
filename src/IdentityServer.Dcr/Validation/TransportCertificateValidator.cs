// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.DistinguishedNames;
using IdentityServer.Dcr.Logging;
using IdentityServer.Dcr.Models;
using IdentityServer.Dcr.Registration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.Validation;

/// <summary>
/// The default <see cref="ITransportCertificateValidator"/>. Register it as a singleton (as <c>AddDcr</c> does): it keeps
/// the revocation verdicts of <see cref="TransportOptions.RevocationCacheDuration"/>.
/// </summary>
public class TransportCertificateValidator : ITransportCertificateValidator
{
    private const string CommonNameOid = "2.5.4.3";
    private const string OrganizationalUnitOid = "2.5.4.11";
    private const string OrganizationIdentifierOid = "2.5.4.97";

    /// <summary>Creates the validator.</summary>
    /// <param name="options">The engine options.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">The logger.</param>
    public TransportCertificateValidator(
        IOptionsMonitor<DcrOptions> options,
        TimeProvider timeProvider,
        ILogger<TransportCertificateValidator> logger)
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
    /// <remarks>
    /// The chain is checked by <see cref="ValidateChainAsync"/>, so a certificate object that passed is not built into a
    /// chain again while its verdict is kept: a <c>PUT</c> on the management endpoint checks the connection's certificate
    /// before and during the update, and a kept-open connection presents the same object on every call.
    /// </remarks>
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
            return Task.FromResult(DcrStepResult.Failure(DcrError.CertificateMissing()));
        }

        return ValidateChainAsync(certificate, ct);
    }

    /// <inheritdoc />
    /// <remarks>
    /// A certificate object that passed is not checked again for <see cref="TransportOptions.RevocationCacheDuration"/>
    /// (at most until it expires, and only while the transport options are the same): a TPP's kept-open mutual TLS
    /// connection presents the same object with every token request, and its chain cannot change meanwhile; its
    /// revocation verdict is kept that long anyway. A certificate read from a proxy header is a new object per request
    /// and is checked every time.
    /// </remarks>
    public virtual Task<DcrStepResult> ValidateChainAsync(X509Certificate2 certificate, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var options = Options.CurrentValue.Transport;
        var now = TimeProvider.GetUtcNow();
        if (_chainVerdicts.TryGetValue(certificate, out var passed) && ReferenceEquals(passed.Options, options) && now < passed.Until)
        {
            return DcrStepResult.SuccessTask;
        }

        var result = ValidateChain(certificate, options);
        if (result.Succeeded && options.RevocationCacheDuration > TimeSpan.Zero)
        {
            var until = now + options.RevocationCacheDuration;
            var expires = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
            _chainVerdicts.AddOrUpdate(certificate, new PassedChain(options, until < expires ? until : expires));
        }

        return Task.FromResult(result);
    }

    /// <inheritdoc />
    public virtual Task<DcrStepResult> ValidateRegistrationBindingAsync(
        X509Certificate2 certificate,
        ClientRegistration registration,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(registration);
        if (DistinguishedName.TryParse(registration.Metadata.TlsClientAuthSubjectDn, out var registeredSubject)
            && DistinguishedName.FromX500(certificate.SubjectName).Matches(registeredSubject))
        {
            return DcrStepResult.SuccessTask;
        }

        var registrationId = CompetentAuthorityRegistrationId(registration.SoftwareStatementClaims);
        if (NamesTpp(certificate, registration.OrganisationId, registration.SoftwareId, registrationId))
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
        if (certificate is null
            || !Options.CurrentValue.Transport.RequireCertificateBoundToSoftwareStatement
            || IsBoundToSoftwareStatement(certificate, ssa))
        {
            return DcrStepResult.SuccessTask;
        }

        Logger.CertificateNotBound(certificate.Thumbprint, ssa.SoftwareId, ssa.OrganisationId);
        return Task.FromResult(DcrStepResult.Failure(
            DcrError.UnapprovedSoftwareStatement(DcrErrorDescriptions.CertificateNotOfSoftwareStatement)));
    }

    /// <summary>
    /// Builds the chain to <see cref="TransportOptions.TrustedRoots"/> only (the machine's store is not consulted) at the
    /// current time of <see cref="TimeProvider"/>, first without any network access (trust, validity, usage), then,
    /// for a certificate that passed, with <see cref="TransportOptions.RevocationMode"/> (<see cref="CheckRevocation"/>).
    /// </summary>
    /// <param name="certificate">The transport certificate.</param>
    /// <param name="options">The transport options.</param>
    /// <returns>Success, or the error to return.</returns>
    /// <exception cref="DcrInfrastructureException">The revocation status is required but its source cannot be reached.</exception>
    protected virtual DcrStepResult ValidateChain(X509Certificate2 certificate, TransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(options);
        if (options.RequireClientAuthenticationUsage && !HasClientAuthenticationUsage(certificate))
        {
            // The chain's application policy accepts a certificate without the extension; a transport certificate
            // must state the usage.
            Logger.CertificateWithoutClientAuthentication(certificate.Thumbprint);
            return DcrError.InvalidClientMetadata(DcrErrorDescriptions.CertificateNotForClientAuthentication);
        }

        using (var chain = BuildChain(options, X509RevocationMode.NoCheck))
        {
            if (!chain.Build(certificate))
            {
                if (chain.ChainStatus.Any(s => s.Status == X509ChainStatusFlags.NotValidForUsage))
                {
                    Logger.CertificateWithoutClientAuthentication(certificate.Thumbprint);
                    return DcrError.InvalidClientMetadata(DcrErrorDescriptions.CertificateNotForClientAuthentication);
                }

                var status = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
                Logger.CertificateChainInvalid(certificate.Thumbprint, status);
                return DcrError.InvalidClientMetadata(DcrErrorDescriptions.CertificateNotTrusted(status));
            }
        }

        return options.RevocationMode == X509RevocationMode.NoCheck ? DcrStepResult.Success : CheckRevocation(certificate, options);
    }

    /// <summary>
    /// Checks the revocation status of a certificate that chains to the bank's roots, reusing a verdict for
    /// <see cref="TransportOptions.RevocationCacheDuration"/>: revoked is refused; unknown is handled by
    /// <see cref="TransportOptions.RevocationStatusUnknown"/>.
    /// </summary>
    /// <param name="certificate">The transport certificate, already trusted.</param>
    /// <param name="options">The transport options.</param>
    /// <returns>Success, or the error to return.</returns>
    /// <exception cref="DcrInfrastructureException">The status is required, and its source cannot be reached.</exception>
    protected virtual DcrStepResult CheckRevocation(X509Certificate2 certificate, TransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(options);
        var now = TimeProvider.GetUtcNow();
        var key = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        if (_revocationVerdicts.TryGetValue(key, out var cached) && cached.Until > now)
        {
            return cached.Verdict;
        }

        RevocationVerdict verdict;
        using (var chain = BuildChain(options, options.RevocationMode))
        {
            var flags = chain.Build(certificate)
                ? X509ChainStatusFlags.NoError
                : chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
            verdict = Judge(certificate, options, flags, NamesRevocationSources(chain, options.RevocationFlag));
        }

        if (verdict.CacheFor > TimeSpan.Zero)
        {
            if (_revocationVerdicts.Count >= MaxCachedVerdicts)
            {
                _revocationVerdicts.Clear();
            }

            _revocationVerdicts[key] = (verdict.Result, now + verdict.CacheFor);
        }

        return verdict.Fault is { } fault ? throw fault : verdict.Result;
    }

    // Whether every certificate whose status is checked names a CRL distribution point or an authority information
    // access (OCSP) location: without one, "unknown" is the certificate's fault, not the network's.
    private static bool NamesRevocationSources(X509Chain chain, X509RevocationFlag flag)
    {
        var checkedCount = flag switch
        {
            X509RevocationFlag.EndCertificateOnly => 1,
            X509RevocationFlag.ExcludeRoot => chain.ChainElements.Count - 1,
            _ => chain.ChainElements.Count,
        };
        for (var i = 0; i < Math.Max(checkedCount, 1) && i < chain.ChainElements.Count; i++)
        {
            var extensions = chain.ChainElements[i].Certificate.Extensions;
            if (extensions[CrlDistributionPointsOid] is null && extensions[AuthorityInformationAccessOid] is null)
            {
                return false;
            }
        }

        return true;
    }

    private const string CrlDistributionPointsOid = "2.5.29.31";
    private const string AuthorityInformationAccessOid = "1.3.6.1.5.5.7.1.1";

    private RevocationVerdict Judge(X509Certificate2 certificate, TransportOptions options, X509ChainStatusFlags flags, bool namesSources)
    {
        const X509ChainStatusFlags Unknown = X509ChainStatusFlags.RevocationStatusUnknown | X509ChainStatusFlags.OfflineRevocation;
        var duration = options.RevocationCacheDuration;
        if (flags == X509ChainStatusFlags.NoError)
        {
            return new(DcrStepResult.Success, duration, null);
        }

        if ((flags & X509ChainStatusFlags.Revoked) != 0)
        {
            Logger.CertificateRevoked(certificate.Thumbprint);
            return new(DcrError.InvalidClientMetadata(DcrErrorDescriptions.CertificateRevoked), duration, null);
        }

        if ((flags & ~Unknown) != 0)
        {
            // Something other than revocation failed with the network on (a CRL that does not verify, for example).
            var status = flags.ToString();
            Logger.CertificateChainInvalid(certificate.Thumbprint, status);
            return new(DcrError.InvalidClientMetadata(DcrErrorDescriptions.CertificateNotTrusted(status)), TimeSpan.Zero, null);
        }

        // Unknown: accept and log, or refuse; an unreachable source is retried soon rather than cached for long.
        var offline = namesSources;
        var retryAfter = duration < UnknownVerdictLifetime ? duration : UnknownVerdictLifetime;
        if (options.RevocationStatusUnknown == RevocationUnknownHandling.AcceptAndLog)
        {
            Logger.CertificateRevocationUnknownAccepted(certificate.Thumbprint, offline);
            return new(DcrStepResult.Success, retryAfter, null);
        }

        Logger.CertificateRevocationUnknownRefused(certificate.Thumbprint, offline);
        return offline
            ? new(
                DcrStepResult.Success,
                TimeSpan.Zero,
                new DcrInfrastructureException("The revocation status of the transport certificate could not be fetched."))
            : new(DcrError.InvalidClientMetadata(DcrErrorDescriptions.CertificateRevocationUnknown), retryAfter, null);
    }

    private X509Chain BuildChain(TransportOptions options, X509RevocationMode mode)
    {
        var chain = new X509Chain { ChainPolicy = options.CreateChainPolicy() };
        chain.ChainPolicy.RevocationMode = mode;
        chain.ChainPolicy.VerificationTime = TimeProvider.GetUtcNow().UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        return chain;
    }

    private const int MaxCachedVerdicts = 10_000;

    // How long an "unknown" verdict is kept: short, so that a CRL host back online is used soon.
    private static readonly TimeSpan UnknownVerdictLifetime = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, (DcrStepResult Verdict, DateTimeOffset Until)> _revocationVerdicts = new(StringComparer.Ordinal);

    /// <summary>Certificate objects whose chain passed, until when, under which options (entries go with the object).</summary>
    private readonly ConditionalWeakTable<X509Certificate2, PassedChain> _chainVerdicts = new();

    private sealed record PassedChain(TransportOptions Options, DateTimeOffset Until);

    private sealed record RevocationVerdict(DcrStepResult Result, TimeSpan CacheFor, DcrInfrastructureException? Fault);

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
        return NamesTpp(
            certificate,
            softwareStatement.OrganisationId,
            softwareStatement.SoftwareId,
            softwareStatement.CompetentAuthorityRegistrationId);
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
