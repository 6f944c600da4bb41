// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Duende.IdentityModel;
using Duende.IdentityServer;
using Duende.IdentityServer.Models;
using Duende.IdentityServer.Validation;
using IdentityServer.Dcr.Duende.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;

namespace IdentityServer.Dcr.Duende.ClientAuthentication;

/// <summary>
/// Decorates Duende's <see cref="ClientSecretValidator"/> so that a client registered through OBIE DCR authenticates
/// only with its registered <c>token_endpoint_auth_method</c> (and, for <c>private_key_jwt</c>, its registered
/// <c>token_endpoint_auth_signing_alg</c>).
/// </summary>
/// <remarks>
/// Duende accepts any secret that any registered validator accepts; OBIE requires the registered method. The method is
/// read from <see cref="ObieClientProperties.TokenEndpointAuthMethod"/>; clients without it (the bank's own) are
/// authenticated exactly as before.
/// </remarks>
public class ObieClientSecretValidator : IClientSecretValidator
{
    /// <summary>Creates the validator.</summary>
    /// <param name="inner">Duende's client secret validator.</param>
    /// <param name="logger">The logger.</param>
    public ObieClientSecretValidator(ClientSecretValidator inner, ILogger<ObieClientSecretValidator> logger)
    {
        Inner = inner;
        Logger = logger;
    }

    /// <summary>Duende's client secret validator.</summary>
    protected ClientSecretValidator Inner { get; }

    /// <summary>The logger.</summary>
    protected ILogger Logger { get; }

    /// <inheritdoc />
    public virtual async Task<ClientSecretValidationResult> ValidateAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var result = await Inner.ValidateAsync(context).ConfigureAwait(false);
        if (result.IsError || result.Client is not { } client || result.Secret is null
            || !client.Properties.TryGetValue(ObieClientProperties.TokenEndpointAuthMethod, out var registered))
        {
            return result;
        }

        var presented = GetPresentedMethod(context, result.Secret);
        if (!string.Equals(presented, registered, StringComparison.Ordinal))
        {
            Logger.AuthMethodMismatch(client.ClientId, registered, presented);
            return Fail();
        }

        if (string.Equals(registered, "private_key_jwt", StringComparison.Ordinal)
            && client.Properties.TryGetValue(ObieClientProperties.TokenEndpointAuthSigningAlg, out var algorithm)
            && result.Secret.Credential is string assertion)
        {
            var used = new JsonWebToken(assertion).Alg;
            if (!string.Equals(used, algorithm, StringComparison.Ordinal))
            {
                Logger.AssertionAlgorithmMismatch(client.ClientId, algorithm, used);
                return Fail();
            }
        }

        return result;
    }

    /// <summary>The OBIE name of the method the client used.</summary>
    /// <param name="context">The HTTP context.</param>
    /// <param name="secret">The secret Duende parsed.</param>
    /// <returns>The method, e.g. <c>private_key_jwt</c>.</returns>
    protected virtual string GetPresentedMethod(HttpContext context, ParsedSecret secret)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(secret);
        return secret.Type switch
        {
            IdentityServerConstants.ParsedSecretTypes.JwtBearer => "private_key_jwt",
            IdentityServerConstants.ParsedSecretTypes.X509Certificate => "tls_client_auth",
            IdentityServerConstants.ParsedSecretTypes.SharedSecret => context.Request.Headers.Authorization.ToString().StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)
                ? "client_secret_basic"
                : "client_secret_post",
            _ => secret.Type,
        };
    }

    private static ClientSecretValidationResult Fail() => new() { IsError = true, Error = OidcConstants.TokenErrors.InvalidClient };
}
