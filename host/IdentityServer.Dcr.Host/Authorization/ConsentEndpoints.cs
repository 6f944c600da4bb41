// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Claims;
using IdentityServer.Dcr.Authorization;
using IdentityServer.Dcr.Host.Development;
using IdentityServer.Dcr.OpenIddict;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace IdentityServer.Dcr.Host.Authorization;

/// <summary>
/// The sandbox bank's sign-in and consent page at the authorization endpoint (OpenIddict passthrough): by the time the
/// request reaches it, the plug-in has verified the request object and the intent. The page
/// (<see cref="SandboxConsentPage"/>, shared with the Duende demo bank) shows the intent's permissions, signs a sandbox
/// customer in and records the decision on the intent; approval issues the code (and the ID token, for
/// <c>code id_token</c>), rejection sends <c>access_denied</c> to the TPP.
/// </summary>
internal static class ConsentEndpoints
{
    public static WebApplication MapConsent(this WebApplication app)
    {
        app.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], HandleAsync).DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext context, IIntentStore intents, IAntiforgery antiforgery, IConfiguration configuration)
    {
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenIddict server request cannot be retrieved.");
        var ct = context.RequestAborted;
        var intentId = (string?)request.GetParameter(DcrOpenIddictConstants.IntentIdParameter);
        var intent = intentId is null ? null : await intents.FindAsync(intentId, ct);
        if (intent is null || intent.ClientId != request.ClientId)
        {
            return Deny("The request names no intent of this client.");
        }

        var form = await SandboxConsentPage.ReadAsync(context, antiforgery, configuration);
        if (form is not { Customer: { } customer, Approved: { } approved })
        {
            // The request's own parameters ride along as hidden fields.
            var parameters = context.Request.HasFormContentType
                ? context.Request.Form.Select(p => (p.Key, p.Value.ToString()))
                : context.Request.Query.Select(p => (p.Key, p.Value.ToString()));
            return SandboxConsentPage.Render(context, antiforgery, intent, form.Error, parameters);
        }

        if (!await intents.TrySettleAsync(intent.IntentId, intent.ClientId, approved, customer, ct))
        {
            return Deny("The intent no longer awaits authorisation.");
        }

        if (!approved)
        {
            return Deny("The customer rejected the request.");
        }

        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, customer).SetClaim(Claims.Name, customer);
        identity.SetScopes(request.GetScopes());
        identity.SetDestinations(
            claim => claim.Type == Claims.Subject ? [Destinations.AccessToken, Destinations.IdentityToken] : [Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static IResult Deny(string description)
        => Results.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.AccessDenied,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
