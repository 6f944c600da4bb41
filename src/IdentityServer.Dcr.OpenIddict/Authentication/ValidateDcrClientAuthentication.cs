// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;
using IdentityServer.Dcr.AspNetCore.Certificates;
using IdentityServer.Dcr.ClientAuthentication;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.OpenIddict.Logging;
using IdentityServer.Dcr.Processing;
using IdentityServer.Dcr.Stores;
using Microsoft.AspNetCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace IdentityServer.Dcr.OpenIddict.Authentication;

/// <summary>
/// Authenticates a registered (DCR) client at the token endpoint by its registration, before OpenIddict's own client
/// checks, with the engine's rules (<see cref="IClientAuthenticator"/>): the method it presents must be the one it
/// registered and one the bank enables; <c>tls_client_auth</c> is checked there (chain to the bank's roots, subject DN
/// as registered), and so is a <c>private_key_jwt</c> assertion's form, algorithm, claims and key, whose signature and
/// audience OpenIddict then verifies with that key (<see cref="ApplyDcrClientAssertionParameters"/>). Client secrets
/// are checked here against the registration's hash, with the engine's <see cref="IClientSecretHasher"/>. Every
/// refusal is <c>invalid_client</c>.
/// When the bank issues certificate-bound access tokens
/// (<see cref="RegistrationOptions.CertificateBoundAccessTokens"/>), a client of any other method must also present
/// a transport certificate that chains to the bank's roots: OpenIddict binds the token to whatever certificate the
/// connection carries, and a self-signed one would make the binding worthless.
/// </summary>
/// <remarks>
/// Clients with no registration are left to OpenIddict untouched. For registered clients, OpenIddict's secret and
/// certificate handlers are filtered out (<see cref="RequireNonDcrClient"/>): the application holds no secret, and
/// OpenIddict's PKI check matches certificates to redirect URI host names, which is not the OBIE rule.
/// </remarks>
public sealed class ValidateDcrClientAuthentication : IOpenIddictServerHandler<ProcessAuthenticationContext>
{
    private readonly IClientRegistrationStore _store;
    private readonly IOpenIddictApplicationManager _applications;
    private readonly IClientAuthenticator _authenticator;
    private readonly IClientCertificateAccessor _certificateAccessor;
    private readonly IClientSecretHasher _secrets;
    private readonly IOptionsMonitor<DcrOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the handler.</summary>
    /// <param name="store">The registration store.</param>
    /// <param name="applications">OpenIddict's application manager.</param>
    /// <param name="authenticator">The engine's client authentication rules.</param>
    /// <param name="certificateAccessor">Reads the transport certificate (connection or trusted proxy header).</param>
    /// <param name="secrets">Verifies client secrets against the registration's hash.</param>
    /// <param name="options">The engine options.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">The logger.</param>
    public ValidateDcrClientAuthentication(
        IClientRegistrationStore store,
        IOpenIddictApplicationManager applications,
        IClientAuthenticator authenticator,
        IClientCertificateAccessor certificateAccessor,
        IClientSecretHasher secrets,
        IOptionsMonitor<DcrOptions> options,
        TimeProvider time,
        ILogger<ValidateDcrClientAuthentication> logger)
    {
        _store = store;
        _applications = applications;
        _authenticator = authenticator;
        _certificateAccessor = certificateAccessor;
        _secrets = secrets;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>The descriptor: token endpoint only, before OpenIddict validates the client assertion.</summary>
    public static OpenIddictServerHandlerDescriptor Descriptor { get; }
        = OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
            .UseScopedHandler<ValidateDcrClientAuthentication>()
            .SetOrder(OpenIddictServerHandlers.ValidateClientAssertion.Descriptor.Order - 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <inheritdoc />
    public async ValueTask HandleAsync(ProcessAuthenticationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.EndpointType is not (OpenIddictServerEndpointType.Token or OpenIddictServerEndpointType.PushedAuthorization))
        {
            return;
        }

        var clientId = !string.IsNullOrEmpty(context.ClientId) ? context.ClientId : UnverifiedAssertionIssuer(context.ClientAssertion);
        if (string.IsNullOrEmpty(clientId))
        {
            return;
        }

        var ct = context.Transaction.GetHttpRequest()?.HttpContext.RequestAborted ?? CancellationToken.None;
        var client = await FindClientAsync(clientId, ct).ConfigureAwait(false);
        if (client is null)
        {
            return;
        }

        var state = new DcrClientAuthenticationState(client);
        state.Attach(context.Transaction);
        var registered = client.Registered;
        var certificate = await PresentedCertificate.ReadAsync(context.Transaction, _certificateAccessor, ct).ConfigureAwait(false);
        if (_authenticator.CheckMethod(registered, PresentedMethod(context, certificate)) is { } refusal)
        {
            context.Reject(Errors.InvalidClient, refusal.ErrorDescription);
            return;
        }

        switch (registered.TokenEndpointAuthMethod)
        {
            case ClientAuthenticationMethods.TlsClientAuth:
                Reject(context, await _authenticator.CheckTlsClientAuthAsync(registered, certificate, ct).ConfigureAwait(false));
                return;
            case ClientAuthenticationMethods.PrivateKeyJwt:
                await CheckAssertionAsync(context, state, ct).ConfigureAwait(false);
                break;
            case ClientAuthenticationMethods.ClientSecretBasic:
            case ClientAuthenticationMethods.ClientSecretPost:
                await ValidateSecretAsync(context, clientId, ct).ConfigureAwait(false);
                break;
        }

        // Certificate-bound tokens: the certificate the token will be bound to must chain to the bank's roots.
        if (!context.IsRejected && _options.CurrentValue.Registration.CertificateBoundAccessTokens)
        {
            Reject(context, await _authenticator.CheckBindingCertificateAsync(registered, certificate, ct).ConfigureAwait(false));
        }
    }

    private static void Reject(ProcessAuthenticationContext context, DcrError? error)
    {
        if (error is not null)
        {
            context.Reject(Errors.InvalidClient, error.ErrorDescription);
        }
    }

    private async Task CheckAssertionAsync(ProcessAuthenticationContext context, DcrClientAuthenticationState state, CancellationToken ct)
    {
        try
        {
            state.Assertion = await _authenticator.CheckAssertionAsync(state.Client.Registered, context.ClientAssertion!, ct).ConfigureAwait(false);
        }
        catch (DcrInfrastructureException exception)
        {
            // An OAuth error rather than a 5xx: the client may simply retry.
            _logger.JwksUnavailable(state.Client.ClientId, exception);
            context.Reject(Errors.InvalidClient, DcrErrorDescriptions.ClientJwksUnavailable);
            return;
        }

        if (!state.Assertion.Succeeded)
        {
            context.Reject(Errors.InvalidClient, state.Assertion.Error.ErrorDescription);
        }
    }

    /// <summary>
    /// The registered client, from its OpenIddict application (found once per request, and cached by OpenIddict for
    /// its own checks): the DCR plug-in writes the registered method, algorithm, subject DN and JWKS URL into the
    /// application's settings and the scopes into its permissions, in the registration's transaction. An
    /// application without those settings (not a DCR client, or one written by an overridden mapper) is looked up in
    /// the registration store instead. <see langword="null"/>: not a registered client, left to OpenIddict.
    /// </summary>
    private async Task<DcrClient?> FindClientAsync(string clientId, CancellationToken ct)
    {
        var application = await _applications.FindByClientIdAsync(clientId, ct).ConfigureAwait(false);
        if (application is not null)
        {
            var settings = await _applications.GetSettingsAsync(application, ct).ConfigureAwait(false);
            if (settings.TryGetValue(DcrOpenIddictConstants.TokenEndpointAuthMethodSetting, out var method) && !string.IsNullOrEmpty(method)
                && (method != ClientAuthenticationMethods.PrivateKeyJwt || settings.ContainsKey(DcrOpenIddictConstants.JwksUriSetting))
                && (method != ClientAuthenticationMethods.TlsClientAuth
                    || settings.ContainsKey(DcrOpenIddictConstants.TlsClientAuthSubjectDnSetting)))
            {
                var permissions = await _applications.GetPermissionsAsync(application, ct).ConfigureAwait(false);
                return new DcrClient(
                    clientId,
                    method,
                    settings.GetValueOrDefault(DcrOpenIddictConstants.TokenEndpointAuthSigningAlgSetting),
                    settings.GetValueOrDefault(DcrOpenIddictConstants.TlsClientAuthSubjectDnSetting),
                    settings.GetValueOrDefault(DcrOpenIddictConstants.JwksUriSetting),
                    [.. permissions
                        .Where(p => p.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal))
                        .Select(p => p[Permissions.Prefixes.Scope.Length..])],
                    settings.ContainsKey(DcrOpenIddictConstants.DisabledAtSetting))
                {
                    ApplicationVersion = (application as OpenIddictEntityFrameworkCoreApplication)?.ConcurrencyToken,
                };
            }
        }

        var registration = await _store.FindByClientIdAsync(clientId, ct).ConfigureAwait(false);
        return registration is null ? null : DcrClient.From(registration);
    }

    private static string? UnverifiedAssertionIssuer(string? assertion)
    {
        if (string.IsNullOrEmpty(assertion) || assertion.Length > 16 * 1024)
        {
            return null;
        }

        try
        {
            // Only to find the registration: the signature is verified by OpenIddict with that client's keys.
            return new JsonWebToken(assertion).Issuer;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static string PresentedMethod(ProcessAuthenticationContext context, X509Certificate2? certificate)
    {
        if (!string.IsNullOrEmpty(context.ClientAssertion))
        {
            return ClientAuthenticationMethods.PrivateKeyJwt;
        }

        if (!string.IsNullOrEmpty(context.ClientSecret))
        {
            var header = context.Transaction.GetHttpRequest()?.Headers.Authorization.ToString();
            return header is not null && header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)
                ? ClientAuthenticationMethods.ClientSecretBasic
                : ClientAuthenticationMethods.ClientSecretPost;
        }

        return certificate is not null ? ClientAuthenticationMethods.TlsClientAuth : "none";
    }

    private async Task ValidateSecretAsync(ProcessAuthenticationContext context, string clientId, CancellationToken ct)
    {
        // The secret's hash lives in the registration only.
        var registration = await _store.FindByClientIdAsync(clientId, ct).ConfigureAwait(false);
        var expired = registration?.ClientSecretExpiresAt is { } expiresAt && expiresAt <= _time.GetUtcNow();
        if (registration is null || expired || !_secrets.Verify(context.ClientSecret!, registration.ClientSecretHash))
        {
            _logger.SecretRejected(clientId);
            context.Reject(Errors.InvalidClient, DcrErrorDescriptions.ClientSecretInvalid);
        }
    }
}
