// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Diagnostics;
using IdentityServer.Dcr.DistinguishedNames;
using IdentityServer.Dcr.Jwks;
using IdentityServer.Dcr.Logging;
using IdentityServer.Dcr.Tokens;
using IdentityServer.Dcr.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.ClientAuthentication;

/// <summary>
/// The default <see cref="IClientAuthenticator"/>. Assertion steps, in order: <see cref="ReadAssertion"/>,
/// <see cref="CheckAssertionAlgorithm"/>, <see cref="CheckAssertionClaims"/>, <see cref="FindAssertionKeyAsync"/>.
/// </summary>
/// <remarks>
/// Client-supplied values reach the log only bounded and with control characters escaped
/// (<see cref="DcrErrorDescriptions.Truncate"/>).
/// </remarks>
public class ClientAuthenticator : IClientAuthenticator
{
    /// <summary>The longest client assertion read, in characters.</summary>
    public const int MaxAssertionLength = 16 * 1024;

    /// <summary>The longest <c>jti</c> accepted (the used-token table's key column holds 256 characters).</summary>
    public const int MaxJtiLength = 256;

    /// <summary>Creates the authenticator.</summary>
    /// <param name="jwks">Resolves the TPP's keys.</param>
    /// <param name="transport">Checks certificate chains.</param>
    /// <param name="options">The engine options.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">The logger.</param>
    public ClientAuthenticator(
        IJwksResolver jwks,
        ITransportCertificateValidator transport,
        IOptionsMonitor<DcrOptions> options,
        TimeProvider timeProvider,
        ILogger<ClientAuthenticator> logger)
    {
        Jwks = jwks;
        Transport = transport;
        Options = options;
        TimeProvider = timeProvider;
        Logger = logger;
    }

    /// <summary>Resolves the TPP's keys.</summary>
    protected IJwksResolver Jwks { get; }

    /// <summary>Checks certificate chains.</summary>
    protected ITransportCertificateValidator Transport { get; }

    /// <summary>The engine options.</summary>
    protected IOptionsMonitor<DcrOptions> Options { get; }

    /// <summary>The clock.</summary>
    protected TimeProvider TimeProvider { get; }

    /// <summary>The logger.</summary>
    protected ILogger Logger { get; }

    /// <inheritdoc />
    public virtual DcrError? CheckMethod(RegisteredClient client, string presentedMethod)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(presentedMethod);
        var registered = client.TokenEndpointAuthMethod;
        if (client.Disabled)
        {
            DcrTelemetry.RecordClientAuthentication(presentedMethod, DcrTelemetry.Outcomes.Failure);
            Logger.ClientAuthenticationClientDisabled(client.ClientId);
            return DcrError.ClientDisabled(DcrErrors.InvalidClient);
        }

        if (!string.Equals(presentedMethod, registered, StringComparison.Ordinal))
        {
            DcrTelemetry.RecordClientAuthentication(presentedMethod, DcrTelemetry.Outcomes.Failure);
            Logger.ClientAuthenticationMethodMismatch(client.ClientId, registered, presentedMethod);
            return InvalidClient(DcrErrorDescriptions.AuthenticationMethodNotRegistered(registered));
        }

        if (!Options.CurrentValue.Registration.TokenEndpointAuthMethods.Contains(registered, StringComparer.Ordinal))
        {
            DcrTelemetry.RecordClientAuthentication(registered, DcrTelemetry.Outcomes.Failure);
            Logger.ClientAuthenticationMethodDisabled(client.ClientId, registered);
            return InvalidClient(DcrErrorDescriptions.AuthenticationMethodNotEnabled(registered));
        }

        return null;
    }

    /// <inheritdoc />
    public virtual async Task<ClientAssertionCheck> CheckAssertionAsync(RegisteredClient client, string assertion, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (!ReadAssertion(assertion, out var jws, out var failure)
            || (failure = CheckAssertionAlgorithm(client, jws)) is not null
            || (failure = CheckAssertionClaims(client, jws, out var jti, out var expiresAt)) is not null)
        {
            DcrTelemetry.RecordClientAuthentication("private_key_jwt", DcrTelemetry.Outcomes.Failure);
            Logger.ClientAssertionRefused(client.ClientId, failure!);
            return ClientAssertionCheck.Failure(failure!);
        }

        ClientAssertionCheck key;
        try
        {
            key = await FindAssertionKeyAsync(client, jws, ct).ConfigureAwait(false);
        }
        catch (DcrInfrastructureException)
        {
            DcrTelemetry.RecordClientAuthentication("private_key_jwt", DcrTelemetry.Outcomes.Unavailable);
            throw;
        }

        if (!key.Succeeded)
        {
            DcrTelemetry.RecordClientAuthentication("private_key_jwt", DcrTelemetry.Outcomes.Failure);
            Logger.ClientAssertionRefused(client.ClientId, key.Error.ErrorDescription);
            return key;
        }

        // The signature is verified by the plug-in with this key: "success" here is the engine's part.
        DcrTelemetry.RecordClientAuthentication("private_key_jwt", DcrTelemetry.Outcomes.Success);
        return ClientAssertionCheck.Success(key.Key, jws.Algorithm, jti, expiresAt);
    }

    /// <inheritdoc />
    public virtual async Task<DcrError?> CheckTlsClientAuthAsync(RegisteredClient client, X509Certificate2? certificate, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (await CheckBindingCertificateAsync(client, certificate, ct).ConfigureAwait(false) is { } error)
        {
            DcrTelemetry.RecordClientAuthentication("tls_client_auth", DcrTelemetry.Outcomes.Failure);
            return error;
        }

        if (!DistinguishedName.TryParse(client.TlsClientAuthSubjectDn, out var expected)
            || !DistinguishedName.FromX500(certificate!.SubjectName).Matches(expected))
        {
            DcrTelemetry.RecordClientAuthentication("tls_client_auth", DcrTelemetry.Outcomes.Failure);
            Logger.ClientCertificateRefused(
                client.ClientId,
                certificate!.Thumbprint,
                "the subject is not the registered tls_client_auth_subject_dn");
            return InvalidClient(DcrErrorDescriptions.CertificateSubjectNotRegistered);
        }

        DcrTelemetry.RecordClientAuthentication("tls_client_auth", DcrTelemetry.Outcomes.Success);
        return null;
    }

    /// <inheritdoc />
    public virtual async Task<DcrError?> CheckBindingCertificateAsync(RegisteredClient client, X509Certificate2? certificate, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (certificate is null)
        {
            Logger.ClientCertificateRefused(client.ClientId, null, "no transport certificate");
            return InvalidClient(DcrErrorDescriptions.CertificateMissing);
        }

        DcrStepResult chain;
        try
        {
            chain = await Transport.ValidateChainAsync(certificate, ct).ConfigureAwait(false);
        }
        catch (DcrInfrastructureException exception)
        {
            // The revocation source cannot be reached: an OAuth error the client may retry, not a 5xx.
            Logger.ClientCertificateRefused(client.ClientId, certificate.Thumbprint, exception.Message);
            return InvalidClient(DcrErrorDescriptions.CertificateRevocationUnavailable);
        }

        if (!chain.Succeeded)
        {
            Logger.ClientCertificateRefused(client.ClientId, certificate.Thumbprint, chain.Error.ErrorDescription);
            return InvalidClient(chain.Error.ErrorDescription);
        }

        return null;
    }

    /// <summary>Step 1: the assertion is a compact JWS by the engine's reader (base64url, signed, no key-carrying or critical headers).</summary>
    /// <param name="assertion">The assertion.</param>
    /// <param name="jws">The parsed assertion.</param>
    /// <param name="failure">Why it is refused.</param>
    /// <returns>Whether it could be read.</returns>
    internal virtual bool ReadAssertion(
        string? assertion,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CompactJws? jws,
        out string? failure)
    {
        if (CompactJws.TryParse(assertion, MaxAssertionLength, out jws, out var error))
        {
            failure = null;
            return true;
        }

        failure = DcrErrorDescriptions.AssertionMalformed(error);
        return false;
    }

    /// <summary>
    /// Step 2: the assertion's <c>alg</c> is the registered <c>token_endpoint_auth_signing_alg</c>, or one the bank
    /// accepts when none is registered.
    /// </summary>
    /// <param name="client">The registered client.</param>
    /// <param name="jws">The parsed assertion.</param>
    /// <returns>Why it is refused, or <see langword="null"/>.</returns>
    internal virtual string? CheckAssertionAlgorithm(RegisteredClient client, CompactJws jws)
    {
        var accepted = client.TokenEndpointAuthSigningAlg is { Length: > 0 } registered
            ? [registered]
            : Options.CurrentValue.Registration.TokenEndpointAuthSigningAlgorithms;
        return accepted.Contains(jws.Algorithm, StringComparer.Ordinal) && JwsVerifier.SupportedAlgorithms.Contains(jws.Algorithm)
            ? null
            : DcrErrorDescriptions.AssertionAlgorithmNotRegistered;
    }

    /// <summary>
    /// Step 3: <c>iss</c> = <c>sub</c> = client; <c>jti</c> present; <c>exp</c> present, not passed and not too far;
    /// <c>nbf</c>, when present, passed.
    /// </summary>
    /// <param name="client">The registered client.</param>
    /// <param name="jws">The parsed assertion.</param>
    /// <param name="jti">The <c>jti</c>.</param>
    /// <param name="expiresAt">The <c>exp</c>.</param>
    /// <returns>Why it is refused, or <see langword="null"/>.</returns>
    internal virtual string? CheckAssertionClaims(RegisteredClient client, CompactJws jws, out string jti, out DateTimeOffset expiresAt)
    {
        jti = string.Empty;
        expiresAt = default;
        var claims = jws.Payload;
        if (ClaimReader.ReadString(claims, "iss", out var issuer) != ClaimState.Present
            || !string.Equals(issuer, client.ClientId, StringComparison.Ordinal)
            || ClaimReader.ReadString(claims, "sub", out var subject) != ClaimState.Present || !string.Equals(
                subject,
                client.ClientId,
                StringComparison.Ordinal))
        {
            return DcrErrorDescriptions.AssertionIssuerNotClient;
        }

        if (ClaimReader.ReadString(claims, "jti", out var id) != ClaimState.Present || string.IsNullOrEmpty(id))
        {
            return DcrErrorDescriptions.AssertionJtiMissing;
        }

        if (id.Length > MaxJtiLength)
        {
            return DcrErrorDescriptions.AssertionJtiTooLong(MaxJtiLength);
        }

        var options = Options.CurrentValue;
        var now = TimeProvider.GetUtcNow();
        var skew = options.RequestObject.ClockSkew;
        if (ClaimReader.ReadNumericDate(claims, "exp", out var exp) != ClaimState.Present)
        {
            return DcrErrorDescriptions.AssertionExpMissing;
        }

        if (now - skew >= exp)
        {
            return DcrErrorDescriptions.AssertionExpired;
        }

        if (options.ClientAssertionExpiresTooLate(exp, now))
        {
            return DcrErrorDescriptions.AssertionLifetimeTooLong(options.Registration.MaxClientAssertionLifetime);
        }

        var nbf = ClaimReader.ReadNumericDate(claims, "nbf", out var notBefore);
        if (nbf == ClaimState.WrongType || (nbf == ClaimState.Present && notBefore > now + skew))
        {
            return DcrErrorDescriptions.AssertionNotYetValid;
        }

        var iat = ClaimReader.ReadNumericDate(claims, "iat", out var issuedAt);
        if (iat == ClaimState.WrongType || (iat == ClaimState.Present && issuedAt > now + skew))
        {
            return DcrErrorDescriptions.AssertionIatInFuture;
        }

        jti = id;
        expiresAt = exp;
        return null;
    }

    /// <summary>Step 4: the signing key in the client's JWKS, by the rule of <see cref="JwkSelector"/>.</summary>
    /// <param name="client">The registered client.</param>
    /// <param name="jws">The parsed assertion.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The key, or the error.</returns>
    internal virtual async Task<ClientAssertionCheck> FindAssertionKeyAsync(RegisteredClient client, CompactJws jws, CancellationToken ct)
    {
        if (!Uri.TryCreate(client.JwksUri, UriKind.Absolute, out var jwksUri))
        {
            return ClientAssertionCheck.Failure(DcrErrorDescriptions.AssertionNoJwksUri);
        }

        var lookup = await Jwks.FindKeyAsync(jwksUri, jws.KeyId, jws.Algorithm, JwksSourceKind.Software, ct).ConfigureAwait(false);
        if (lookup.Key is not { } key)
        {
            return ClientAssertionCheck.Failure(DcrErrorDescriptions.AssertionKeyNotFound(lookup.Reason));
        }

        return JwsVerifier.CheckKeyFits(key, jws.Algorithm) is { } misfit
            ? ClientAssertionCheck.Failure(DcrErrorDescriptions.AssertionKeyMisfit(misfit))
            : ClientAssertionCheck.Success(key, jws.Algorithm, string.Empty, default);
    }

    private static DcrError InvalidClient(string description) => new(DcrErrors.InvalidClient, description);
}
