// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Collections.Specialized;
using System.Security.Claims;
using Duende.IdentityServer;
using Duende.IdentityServer.Configuration;
using Duende.IdentityServer.Services;
using Duende.IdentityServer.Stores;
using Duende.IdentityServer.Validation;
using IdentityServer.Dcr.Authorization;
using IdentityServer.Dcr.Duende.Logging;
using IdentityServer.Dcr.Stores;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.Duende.Authorization;

/// <summary>
/// Duende's authorize request validation (authorize endpoint, its callback, the interaction service and the pushed
/// authorization endpoint) with the engine's <see cref="IAuthorizationRequestValidator"/> in front of it for clients
/// registered through OBIE DCR: one rule set for both plug-ins.
/// </summary>
/// <remarks>
/// <para>
/// For a registered client the engine runs first, on the raw <c>request</c> JWS and the parameters outside it. When it
/// refuses, its error is the answer: with the registered redirect URI and the request object's <c>state</c> when the
/// verified request object named one (<see cref="ObieAuthorizeHttpWriter"/> sends it there), without otherwise (shown
/// on the bank's page). When it accepts, Duende validates only <c>client_id</c> and <c>request</c>: Duende merges the
/// request object's claims, so every parameter it uses comes from the signed request object (FAPI 1 Advanced
/// 5.2.2-10). At the pushed authorization endpoint the pushed parameters are reduced in place to those two, so Duende
/// stores nothing else for the <c>request_uri</c>.
/// </para>
/// <para>
/// A pushed request used by reference (<c>request_uri</c>) is restored and re-verified by Duende; the engine then
/// checks its request object again (the intent may have been decided meanwhile). Other clients are validated by Duende
/// alone.
/// </para>
/// </remarks>
public sealed class ObieAuthorizeRequestValidator : IAuthorizeRequestValidator
{
    private readonly IAuthorizeRequestValidator _inner;
    private readonly IClientRegistrationStore _registrations;
    private readonly IClientStore _clients;
    private readonly IAuthorizationRequestValidator _rules;
    private readonly IIssuerNameService _issuerNames;
    private readonly IdentityServerOptions _options;
    private readonly IHttpContextAccessor _http;
    private readonly ILogger _logger;

    /// <summary>Creates the validator.</summary>
    /// <param name="inner">Duende's validator.</param>
    /// <param name="registrations">The engine's registrations (which clients are registered TPPs).</param>
    /// <param name="clients">Duende's clients.</param>
    /// <param name="rules">The engine's authorization request rules.</param>
    /// <param name="issuerNames">Duende's issuer (the request object's audience).</param>
    /// <param name="options">Duende's options.</param>
    /// <param name="http">The current request (cancellation).</param>
    /// <param name="logger">The logger.</param>
    public ObieAuthorizeRequestValidator(
        IAuthorizeRequestValidator inner,
        IClientRegistrationStore registrations,
        IClientStore clients,
        IAuthorizationRequestValidator rules,
        IIssuerNameService issuerNames,
        IdentityServerOptions options,
        IHttpContextAccessor http,
        ILogger<ObieAuthorizeRequestValidator> logger)
    {
        _inner = inner;
        _registrations = registrations;
        _clients = clients;
        _rules = rules;
        _issuerNames = issuerNames;
        _options = options;
        _http = http;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task<AuthorizeRequestValidationResult> ValidateAsync(
        NameValueCollection parameters,
        ClaimsPrincipal? subject = null,
        AuthorizeRequestType authorizeRequestType = AuthorizeRequestType.Authorize)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var ct = _http.HttpContext?.RequestAborted ?? CancellationToken.None;
        var clientId = parameters.Get("client_id");
        var registration = string.IsNullOrEmpty(clientId) || clientId.Length > _options.InputLengthRestrictions.ClientId
            ? null
            : await _registrations.FindByClientIdAsync(clientId, ct).ConfigureAwait(false);
        if (registration is null || await _clients.FindEnabledClientByIdAsync(clientId!).ConfigureAwait(false) is not { } client)
        {
            return await _inner.ValidateAsync(parameters, subject!, authorizeRequestType).ConfigureAwait(false);
        }

        var pushed = authorizeRequestType == AuthorizeRequestType.PushedAuthorization;
        var requestUri = parameters.Get("request_uri");
        if (!pushed && parameters.Get("request") is null && requestUri is not null
            && requestUri.StartsWith(IdentityServerConstants.PushedAuthorizationRequestUri + ":", StringComparison.Ordinal))
        {
            // By reference: Duende restores the pushed parameters (client_id and request) and verifies them again.
            var restored = await _inner.ValidateAsync(parameters, subject!, authorizeRequestType).ConfigureAwait(false);
            if (restored.IsError)
            {
                return restored;
            }

            var again = await ApplyRulesAsync(
                registration,
                restored.ValidatedRequest.RequestObject,
                new Dictionary<string, string?>(),
                pushed: true,
                ct).ConfigureAwait(false);
            if (!again.Succeeded)
            {
                return Refuse(restored.ValidatedRequest, again, responseType: null);
            }

            restored.ValidatedRequest.SetObieAuthorization(again);
            return restored;
        }

        var outer = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in parameters.AllKeys)
        {
            if (name is not null && name != "request")
            {
                outer[name] = parameters.Get(name);
            }
        }

        var result = await ApplyRulesAsync(registration, parameters.Get("request"), outer, pushed, ct).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            var refused = new ValidatedAuthorizeRequest
            {
                Options = _options,
                IssuerName = await _issuerNames.GetCurrentAsync().ConfigureAwait(false),
                Subject = subject ?? new ClaimsPrincipal(new ClaimsIdentity()),
                Raw = parameters,
                AuthorizeRequestType = authorizeRequestType,
                ClientId = client.ClientId,
            };
            refused.SetClient(client);
            return Refuse(refused, result, parameters.Get("response_type"));
        }

        // Only the request object: Duende merges its claims into these two parameters.
        var verified = new NameValueCollection
        {
            ["client_id"] = client.ClientId,
            ["request"] = parameters.Get("request"),
        };
        foreach (var name in new[] { "suppressed_prompt", "suppressed_max_age" })
        {
            if (parameters.Get(name) is { } value)
            {
                verified[name] = value;
            }
        }

        if (pushed)
        {
            // The pushed authorization endpoint stores this very collection for the request_uri.
            parameters.Clear();
            parameters.Add(verified);
            verified = parameters;
        }

        var validated = await _inner.ValidateAsync(verified, subject!, authorizeRequestType).ConfigureAwait(false);
        if (!validated.IsError)
        {
            validated.ValidatedRequest.SetObieAuthorization(result);
            GrantRefreshToken(validated.ValidatedRequest);
        }

        return validated;
    }

    /// <summary>
    /// A client that registered the <c>refresh_token</c> grant (<see cref="global::Duende.IdentityServer.Models.Client.AllowOfflineAccess"/>)
    /// gets a refresh token at the code exchange: Duende issues one only for the <c>offline_access</c> scope, which OBIE
    /// TPPs do not ask for, so it is added to the validated (and stored) scopes here.
    /// </summary>
    private static void GrantRefreshToken(ValidatedAuthorizeRequest request)
    {
        var resources = request.ValidatedResources;
        if (!request.Client.AllowOfflineAccess || resources is null || resources.Resources.OfflineAccess)
        {
            return;
        }

        request.ValidatedResources = new ResourceValidationResult(
            new global::Duende.IdentityServer.Models.Resources(resources.Resources) { OfflineAccess = true },
            [.. resources.ParsedScopes, new ParsedScopeValue(global::Duende.IdentityServer.IdentityServerConstants.StandardScopes.OfflineAccess)]);
        if (!request.RequestedScopes.Contains(global::Duende.IdentityServer.IdentityServerConstants.StandardScopes.OfflineAccess))
        {
            request.RequestedScopes.Add(global::Duende.IdentityServer.IdentityServerConstants.StandardScopes.OfflineAccess);
        }
    }

    private async Task<AuthorizationRequestResult> ApplyRulesAsync(
        IdentityServer.Dcr.Models.ClientRegistration registration,
        string? requestObject,
        IReadOnlyDictionary<string, string?> outer,
        bool pushed,
        CancellationToken ct)
    {
        var issuer = (await _issuerNames.GetCurrentAsync().ConfigureAwait(false)).TrimEnd('/');
        try
        {
            return await _rules.ValidateAsync(registration, new AuthorizationRequest
            {
                RequestObject = requestObject,
                OuterParameters = outer,
                Audiences = [issuer, issuer + "/"],
                Pushed = pushed,
            }, ct).ConfigureAwait(false);
        }
        catch (DcrInfrastructureException exception)
        {
            _logger.AuthorizationDependencyUnavailable(registration.ClientId, exception);
            return AuthorizationRequestResult.Failure(
                new DcrError("temporarily_unavailable", DcrErrorDescriptions.AuthorizationDependencyUnavailable));
        }
    }

    /// <summary>
    /// The engine's refusal as Duende's result: the redirect URI and state only when the engine trusts them; hybrid
    /// responses (and errors) in the fragment, <c>code</c> in the query.
    /// </summary>
    private static AuthorizeRequestValidationResult Refuse(ValidatedAuthorizeRequest request, AuthorizationRequestResult result, string? responseType)
    {
        request.RedirectUri = result.RedirectUri!;
        request.State = result.State!;
        request.ResponseMode = result.Error!.Error != AuthorizationErrors.UnsupportedResponseType
            && string.Equals(responseType, "code", StringComparison.Ordinal)
            ? "query"
            : "fragment";
        return new AuthorizeRequestValidationResult(request, result.Error.Error, result.Error.ErrorDescription);
    }
}
