// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Duende.IdentityServer;
using Duende.IdentityServer.Models;
using Duende.IdentityServer.Stores;
using Duende.IdentityServer.Validation;
using IdentityServer.Dcr.AspNetCore.Certificates;
using IdentityServer.Dcr.ClientAuthentication;
using IdentityServer.Dcr.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.Duende.ClientAuthentication;

/// <summary>
/// Decorates Duende's <see cref="SecretValidator"/> so that a client registered through OBIE DCR authenticates only
/// with its registered <c>token_endpoint_auth_method</c> (and, for <c>private_key_jwt</c>, its registered
/// <c>token_endpoint_auth_signing_alg</c>), checked before any secret validator runs.
/// </summary>
/// <remarks>
/// <para>
/// Duende accepts any secret that any registered <see cref="ISecretValidator"/> accepts; OBIE requires the registered
/// method. Duende's <see cref="ClientSecretValidator"/> raises <c>ClientAuthenticationSuccessEvent</c> itself before it
/// returns, so a decorator of <see cref="IClientSecretValidator"/> could only refuse a client already reported as
/// authenticated. This decorator sits one step earlier, where <see cref="ClientSecretValidator"/> asks whether the
/// presented secret is valid: a refusal here is reported by Duende as a failed authentication
/// (<c>ClientAuthenticationFailureEvent</c>, <c>invalid_client</c>) and no success is ever raised.
/// </para>
/// <para>
/// <see cref="ISecretsListValidator"/> receives the client's secrets, not the client, so the registered method
/// (<see cref="ObieClientProperties.TokenEndpointAuthMethod"/>) is read from the client store by the parsed client id;
/// with Duende's client store cache that is a memory lookup. Clients without the property (the bank's own) and the
/// secrets of API resources (introspection) are validated exactly as before.
/// </para>
/// </remarks>
public class ObieSecretsListValidator : ISecretsListValidator
{
    /// <summary>Creates the validator.</summary>
    /// <param name="inner">Duende's secrets list validator.</param>
    /// <param name="clients">Duende's client store.</param>
    /// <param name="httpContextAccessor">The current request (how a shared secret was presented).</param>
    /// <param name="authenticator">The engine's client authentication rules.</param>
    /// <param name="certificates">Reads the transport certificate.</param>
    /// <param name="options">The engine options.</param>
    public ObieSecretsListValidator(
        SecretValidator inner,
        IClientStore clients,
        IHttpContextAccessor httpContextAccessor,
        IClientAuthenticator authenticator,
        IClientCertificateAccessor certificates,
        IOptionsMonitor<DcrOptions> options)
    {
        Inner = inner;
        Clients = clients;
        HttpContextAccessor = httpContextAccessor;
        Authenticator = authenticator;
        Certificates = certificates;
        Options = options;
    }

    /// <summary>Reads the transport certificate (connection, or a trusted proxy's header).</summary>
    protected IClientCertificateAccessor Certificates { get; }

    /// <summary>The engine options.</summary>
    protected IOptionsMonitor<DcrOptions> Options { get; }

    /// <summary>Duende's secrets list validator.</summary>
    protected SecretValidator Inner { get; }

    /// <summary>Duende's client store.</summary>
    protected IClientStore Clients { get; }

    /// <summary>The current request.</summary>
    protected IHttpContextAccessor HttpContextAccessor { get; }

    /// <summary>The engine's client authentication rules.</summary>
    protected IClientAuthenticator Authenticator { get; }

    /// <inheritdoc />
    public virtual async Task<SecretValidationResult> ValidateAsync(IEnumerable<Secret> secrets, ParsedSecret parsedSecret)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(parsedSecret);
        if (!string.IsNullOrEmpty(parsedSecret.Id)
            && await Clients.FindClientByIdAsync(parsedSecret.Id).ConfigureAwait(false) is { } client
            && client.Properties.TryGetValue(ObieClientProperties.TokenEndpointAuthMethod, out var registered))
        {
            if (!IsRegisteredMethod(client, registered, parsedSecret) || !await IsBindableCertificateAsync(client).ConfigureAwait(false))
            {
                return new SecretValidationResult { Success = false };
            }
        }

        return await Inner.ValidateAsync(secrets, parsedSecret).ConfigureAwait(false);
    }

    /// <summary>
    /// With certificate-bound access tokens (<c>Dcr:Registration:CertificateBoundAccessTokens</c>), the transport
    /// certificate the token will be bound to must pass the engine's chain, usage and revocation checks whatever the
    /// authentication method (<see cref="IClientAuthenticator.CheckBindingCertificateAsync"/>), as on the OpenIddict
    /// plug-in: Duende binds the token to whatever certificate the connection carries.
    /// </summary>
    /// <param name="client">The client, registered through OBIE DCR.</param>
    /// <returns><see langword="true"/> when the request may go on.</returns>
    protected virtual async Task<bool> IsBindableCertificateAsync(Client client)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (!Options.CurrentValue.Registration.CertificateBoundAccessTokens || HttpContextAccessor.HttpContext is not { } context)
        {
            return true;
        }

        var certificate = await Certificates.GetClientCertificateAsync(context, context.RequestAborted).ConfigureAwait(false);
        var registered = new RegisteredClient(client.ClientId, string.Empty, null, null, null);
        return await Authenticator.CheckBindingCertificateAsync(registered, certificate, context.RequestAborted).ConfigureAwait(false) is null;
    }

    /// <summary>
    /// Whether the client presented its secret with the method it registered, by the engine's rule
    /// (<see cref="IClientAuthenticator.CheckMethod"/>). The algorithm and the rest of an assertion are checked by the
    /// engine in <see cref="JwksUriSecretValidator"/>.
    /// </summary>
    /// <param name="client">The client, registered through OBIE DCR.</param>
    /// <param name="registered">Its registered <c>token_endpoint_auth_method</c>.</param>
    /// <param name="parsedSecret">The secret Duende parsed from the request.</param>
    /// <returns><see langword="true"/> when Duende's secret validators may go on.</returns>
    protected virtual bool IsRegisteredMethod(Client client, string registered, ParsedSecret parsedSecret)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(parsedSecret);
        var registeredClient = new RegisteredClient(client.ClientId, registered, null, null, null);
        return Authenticator.CheckMethod(registeredClient, GetPresentedMethod(parsedSecret)) is null;
    }

    /// <summary>The OBIE name of the method the client used.</summary>
    /// <param name="secret">The secret Duende parsed.</param>
    /// <returns>The method, e.g. <c>private_key_jwt</c>.</returns>
    protected virtual string GetPresentedMethod(ParsedSecret secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return secret.Type switch
        {
            IdentityServerConstants.ParsedSecretTypes.JwtBearer => "private_key_jwt",
            IdentityServerConstants.ParsedSecretTypes.X509Certificate => "tls_client_auth",
            IdentityServerConstants.ParsedSecretTypes.SharedSecret =>
                HttpContextAccessor.HttpContext?.Request.Headers.Authorization.ToString()
                    .StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) == true
                    ? "client_secret_basic"
                    : "client_secret_post",
            _ => secret.Type,
        };
    }
}
