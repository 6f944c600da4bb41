// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.AspNetCore.Certificates;
using IdentityServer.Dcr.AspNetCore.Management;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.OpenIddict.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Validation;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace IdentityServer.Dcr.OpenIddict.Management;

/// <summary>
/// Validates management access tokens with OpenIddict's validation stack (local server integration): signature,
/// lifetime, issuer, and the token entry (so revoked tokens and tokens of deleted clients fail), then, when the bank
/// issues certificate-bound tokens, the <c>cnf</c> <c>x5t#S256</c> against the presented transport certificate. The
/// result carries the token's client, its entry identifier and its scopes.
/// </summary>
/// <remarks>
/// The transport certificate is read first (from the connection or a trusted proxy's header, through
/// <see cref="IClientCertificateAccessor"/>) and handed to OpenIddict's own proof-of-possession check for the
/// duration of the call; the binding is then checked here again, so a bank that replaces the accessor keeps it.
/// </remarks>
public class OpenIddictRegistrationAccessTokenValidator : IRegistrationAccessTokenValidator
{
    /// <summary>Creates the validator.</summary>
    /// <param name="validation">OpenIddict's validation service.</param>
    /// <param name="certificates">Reads the transport certificate.</param>
    /// <param name="options">The engine options.</param>
    /// <param name="logger">The logger.</param>
    public OpenIddictRegistrationAccessTokenValidator(
        OpenIddictValidationService validation,
        IClientCertificateAccessor certificates,
        IOptionsMonitor<DcrOptions> options,
        ILogger<OpenIddictRegistrationAccessTokenValidator> logger)
    {
        Validation = validation;
        Certificates = certificates;
        Options = options;
        Logger = logger;
    }

    /// <summary>OpenIddict's validation service.</summary>
    protected OpenIddictValidationService Validation { get; }

    /// <summary>Reads the transport certificate.</summary>
    protected IClientCertificateAccessor Certificates { get; }

    /// <summary>The engine options.</summary>
    protected IOptionsMonitor<DcrOptions> Options { get; }

    /// <summary>The logger.</summary>
    protected ILogger Logger { get; }

    /// <inheritdoc />
    public virtual async Task<RegistrationAccessTokenResult> ValidateAsync(HttpContext context, string accessToken, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var certificate = await Certificates.GetClientCertificateAsync(context, ct).ConfigureAwait(false);
        System.Security.Claims.ClaimsPrincipal principal;
        try
        {
            // OpenIddict's own proof-of-possession check sees this request's certificate (see AttachManagementCertificate).
            using (ManagementCertificateScope.Enter(certificate))
            {
                principal = await Validation.ValidateAccessTokenAsync(accessToken, ct).ConfigureAwait(false);
            }
        }
        catch (OpenIddictExceptions.ProtocolException exception)
        {
            Logger.AccessTokenRejected(exception.Error, exception.ErrorDescription);
            return RegistrationAccessTokenResult.Fail(DcrErrorDescriptions.TokenNotValidOrRevoked);
        }

        var clientId = principal.GetClaim(Claims.ClientId) ?? principal.GetClaim(Claims.Private.Presenter);
        if (string.IsNullOrEmpty(clientId))
        {
            return RegistrationAccessTokenResult.Fail(DcrErrorDescriptions.TokenNamesNoClient);
        }

        var confirmation = principal.GetClaim(Claims.Confirmation);
        if (Options.CurrentValue.Registration.CertificateBoundAccessTokens || confirmation is not null)
        {
            var expected = confirmation is null ? null : (JsonNode.Parse(confirmation) as JsonObject)?["x5t#S256"]?.GetValue<string>();
            var actual = certificate is null ? null : Base64UrlEncoder.Encode(SHA256.HashData(certificate.RawData));
            if (expected is null || actual is null
                || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(actual)))
            {
                Logger.AccessTokenRejected("invalid_token", "certificate binding");
                return RegistrationAccessTokenResult.Fail(DcrErrorDescriptions.TokenNotBoundToCertificate);
            }
        }

        // The scopes granted: OpenIddict reads them from the token's "scope" claim (JWT) or its private scope claims.
        return RegistrationAccessTokenResult.Success(clientId, principal.GetClaim(Claims.Private.TokenId), principal.GetScopes());
    }
}
