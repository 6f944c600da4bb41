// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json;
using IdentityServer.Dcr.Authorization;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Stores;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using Microsoft.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace IdentityServer.Dcr.OpenIddict.Authorization;

/// <summary>
/// The signed request object of a registered client, at the authorization and pushed authorization endpoints: the
/// engine's <see cref="IAuthorizationRequestValidator"/> verifies it, and its parameters then replace the request's
/// (FAPI 1 Advanced 5.2.2-10: only what is signed is used), with <c>openbanking_intent_id</c> set from the verified
/// claims. OpenIddict itself refuses <c>request</c>; for other clients it still does.
/// </summary>
/// <remarks>
/// An error found before the request object names a registered redirect URI is shown to the user (OpenIddict's error
/// page); after that, it is sent to that redirect URI with the request object's <c>state</c>
/// (<see cref="RedirectDcrAuthorizationError"/>). At the pushed authorization endpoint every error is the JSON answer.
/// </remarks>
public sealed class ApplyDcrRequestObject
    : IOpenIddictServerHandler<ExtractAuthorizationRequestContext>, IOpenIddictServerHandler<ExtractPushedAuthorizationRequestContext>
{
    /// <summary>The transaction property holding an error that may go to the redirect URI.</summary>
    internal const string RedirectableErrorProperty = "dcr:authorization_error_redirect";

    private readonly IClientRegistrationStore _store;
    private readonly IAuthorizationRequestValidator _validator;
    private readonly IOptionsMonitor<DcrOptions> _options;

    /// <summary>Creates the handler.</summary>
    /// <param name="store">The registrations.</param>
    /// <param name="validator">The engine's authorization request rules.</param>
    /// <param name="options">The engine options (the issuer).</param>
    public ApplyDcrRequestObject(IClientRegistrationStore store, IAuthorizationRequestValidator validator, IOptionsMonitor<DcrOptions> options)
    {
        _store = store;
        _validator = validator;
        _options = options;
    }

    /// <summary>The descriptor at the authorization endpoint: after the request is extracted, before it is validated.</summary>
    public static OpenIddictServerHandlerDescriptor AuthorizationDescriptor { get; }
        = OpenIddictServerHandlerDescriptor.CreateBuilder<ExtractAuthorizationRequestContext>()
            .UseScopedHandler<ApplyDcrRequestObject>()
            .SetOrder(int.MaxValue - 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <summary>The descriptor at the pushed authorization endpoint.</summary>
    public static OpenIddictServerHandlerDescriptor PushedAuthorizationDescriptor { get; }
        = OpenIddictServerHandlerDescriptor.CreateBuilder<ExtractPushedAuthorizationRequestContext>()
            .UseScopedHandler<ApplyDcrRequestObject>()
            .SetOrder(int.MaxValue - 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <inheritdoc />
    public async ValueTask HandleAsync(ExtractAuthorizationRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        if (context.Request is not { } request)
        {
            return;
        }

        // A pushed request comes back by reference; OpenIddict restores what was verified when it was pushed. The client
        // may have been disabled since: that is the one thing to check again.
        if (string.IsNullOrEmpty(request.Request) && !string.IsNullOrEmpty(request.RequestUri))
        {
            if (!string.IsNullOrEmpty(request.ClientId)
                && await _store.FindByClientIdAsync(
                    request.ClientId,
                    context.Transaction.GetHttpRequest()?.HttpContext.RequestAborted
                        ?? CancellationToken.None).ConfigureAwait(false) is { IsDisabled: true })
            {
                var refusal = DcrError.ClientDisabled(Errors.UnauthorizedClient);
                context.Reject(refusal.Error, refusal.ErrorDescription);
            }

            return;
        }

        var replaced = await ApplyAsync(context, request, pushed: false).ConfigureAwait(false);
        if (replaced is not null)
        {
            context.Request = replaced;
        }
    }

    /// <inheritdoc />
    public async ValueTask HandleAsync(ExtractPushedAuthorizationRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request is not { } request)
        {
            return;
        }

        var replaced = await ApplyAsync(context, request, pushed: true).ConfigureAwait(false);
        if (replaced is not null)
        {
            context.Request = replaced;
        }
    }

    private async Task<OpenIddictRequest?> ApplyAsync(BaseValidatingContext context, OpenIddictRequest request, bool pushed)
    {
        if (string.IsNullOrEmpty(request.ClientId))
        {
            return null;
        }

        var ct = context.Transaction.GetHttpRequest()?.HttpContext.RequestAborted ?? CancellationToken.None;
        var registration = await _store.FindByClientIdAsync(request.ClientId, ct).ConfigureAwait(false);
        if (registration is null)
        {
            return null;
        }

        var outer = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, value) in request.GetParameters())
        {
            if (name != Parameters.Request)
            {
                outer[name] = (string?)value;
            }
        }

        AuthorizationRequestResult result;
        try
        {
            result = await _validator.ValidateAsync(registration, new AuthorizationRequest
            {
                RequestObject = request.Request,
                OuterParameters = outer,
                Audiences = Audiences(context),
                Pushed = pushed,
            }, ct).ConfigureAwait(false);
        }
        catch (DcrInfrastructureException)
        {
            context.Reject(Errors.TemporarilyUnavailable, DcrErrorDescriptions.AuthorizationDependencyUnavailable);
            return null;
        }

        if (result.Succeeded)
        {
            var verified = new OpenIddictRequest();
            foreach (var (name, value) in result.Parameters)
            {
                verified.SetParameter(name, ToParameter(value));
            }

            verified.SetParameter(DcrOpenIddictConstants.IntentIdParameter, result.IntentId);
            verified.SetParameter(DcrOpenIddictConstants.AcrParameter, result.Acr);

            // Client authentication at the pushed authorization endpoint (RFC 9126 §2.1) is not an authorization
            // parameter: it stays as sent.
            if (pushed)
            {
                foreach (var name in new[] { Parameters.ClientAssertion, Parameters.ClientAssertionType, Parameters.ClientSecret })
                {
                    if (request.GetParameter(name) is { } value)
                    {
                        verified.SetParameter(name, value);
                    }
                }
            }

            return verified;
        }

        if (!pushed && result.RedirectUri is { } redirectUri)
        {
            context.Transaction.SetProperty(
                RedirectableErrorProperty,
                new RedirectableError(redirectUri, result.State, ResponseMode(result.Error, request)));
        }

        context.Reject(result.Error.Error, result.Error.ErrorDescription);
        return null;
    }

    /// <summary>The request object's <c>aud</c>: the issuer, with and without a trailing slash.</summary>
    private IReadOnlyCollection<string> Audiences(BaseContext context)
    {
        var issuer = context.Options.Issuer?.AbsoluteUri ?? _options.CurrentValue.Issuer ?? context.BaseUri?.AbsoluteUri;
        return issuer is null ? [] : [issuer.TrimEnd('/'), issuer.TrimEnd('/') + "/"];
    }

    /// <summary>Hybrid responses, errors included, go in the fragment; <c>code</c> alone in the query.</summary>
    private static string ResponseMode(DcrError error, OpenIddictRequest outer)
        => error.Error != AuthorizationErrors.UnsupportedResponseType
            && string.Equals(outer.ResponseType, ResponseTypes.Code, StringComparison.Ordinal)
            ? ResponseModes.Query
            : ResponseModes.Fragment;

    private static OpenIddictParameter ToParameter(string value)
    {
        if (value.Length > 0 && value[0] is '{' or '[')
        {
            try
            {
                using var document = JsonDocument.Parse(value);
                return new OpenIddictParameter(document.RootElement.Clone());
            }
            catch (JsonException)
            {
                return new OpenIddictParameter(value);
            }
        }

        return new OpenIddictParameter(value);
    }

    /// <summary>Where a validated request's error goes.</summary>
    internal sealed record RedirectableError(string RedirectUri, string? State, string ResponseMode);
}
