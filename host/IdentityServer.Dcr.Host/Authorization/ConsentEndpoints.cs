// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using IdentityServer.Dcr.Authorization;
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
/// request reaches it, the plug-in has verified the request object and the intent. The page shows the intent's
/// permissions, signs a sandbox customer in and records the decision on the intent; approval issues the code (and the
/// ID token, for <c>code id_token</c>), rejection sends <c>access_denied</c> to the TPP. Plain HTML forms: no script is
/// needed, and the page cannot be framed or cached.
/// </summary>
internal static class ConsentEndpoints
{
    private static readonly HashSet<string> PageFields = new(StringComparer.Ordinal) { "customer", "password", "decision", "__RequestVerificationToken" };

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

        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(ct) : null;
        var decision = form?["decision"].ToString();
        if (decision is not ("approve" or "reject"))
        {
            return Page(context, antiforgery, intent, error: null);
        }

        try
        {
            await antiforgery.ValidateRequestAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            return Page(context, antiforgery, intent, "The form expired; please try again.");
        }

        var customer = form!["customer"].ToString();
        if (!SandboxCustomers.Verify(configuration, customer, form["password"].ToString()))
        {
            return Page(context, antiforgery, intent, "Unknown customer or wrong password.");
        }

        var approved = decision == "approve";
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
        identity.SetDestinations(claim => claim.Type == Claims.Subject ? [Destinations.AccessToken, Destinations.IdentityToken] : [Destinations.AccessToken]);
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

    /// <summary>The page: the intent, the sign-in fields and two buttons; the request's own parameters ride along as hidden fields.</summary>
    private static IResult Page(HttpContext context, IAntiforgery antiforgery, AuthorizationIntent intent, string? error)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">")
            .Append("<title>Authorise access - IdentityServer.Dcr sandbox bank</title></head><body><main>")
            .Append("<h1>Authorise access to your accounts</h1>")
            .Append("<p>The provider with client id <strong>").Append(Encode(intent.ClientId)).Append("</strong> asks for:</p><ul id=\"permissions\">");
        foreach (var permission in intent.Permissions)
        {
            html.Append("<li>").Append(Encode(permission)).Append("</li>");
        }

        html.Append("</ul>");
        if (intent.ExpiresAt is { } expires)
        {
            html.Append("<p>Until ").Append(Encode(expires.ToString("u", System.Globalization.CultureInfo.InvariantCulture))).Append(".</p>");
        }

        if (error is not null)
        {
            html.Append("<p role=\"alert\" id=\"error\">").Append(Encode(error)).Append("</p>");
        }

        html.Append("<form method=\"post\" action=\"").Append(Encode(context.Request.PathBase + context.Request.Path)).Append("\">");
        var parameters = context.Request.HasFormContentType
            ? context.Request.Form.Select(p => (p.Key, p.Value.ToString()))
            : context.Request.Query.Select(p => (p.Key, p.Value.ToString()));
        foreach (var (name, value) in parameters.Where(p => !PageFields.Contains(p.Key)))
        {
            html.Append("<input type=\"hidden\" name=\"").Append(Encode(name)).Append("\" value=\"").Append(Encode(value)).Append("\">");
        }

        html.Append("<input type=\"hidden\" name=\"").Append(Encode(tokens.FormFieldName)).Append("\" value=\"").Append(Encode(tokens.RequestToken ?? string.Empty)).Append("\">")
            .Append("<p><label for=\"customer\">Customer id</label> <input id=\"customer\" name=\"customer\" autocomplete=\"username\" required></p>")
            .Append("<p><label for=\"password\">Password</label> <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required></p>")
            .Append("<p><button type=\"submit\" name=\"decision\" value=\"approve\" id=\"approve\">Approve</button> ")
            .Append("<button type=\"submit\" name=\"decision\" value=\"reject\" id=\"reject\" formnovalidate>Reject</button></p>")
            .Append("</form></main></body></html>");

        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["X-Frame-Options"] = "DENY";
        // No form-action: browsers apply it to the redirect that follows the form (to the TPP's redirect URI) too.
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, error is null ? 200 : 400);
    }

    private static string Encode(string value) => WebUtility.HtmlEncode(value);
}

/// <summary>The sandbox's customers: <c>Sandbox:Customers:N:Id</c> and <c>:Password</c>; by default one, <c>customer-1</c> / <c>sandbox</c>.</summary>
internal static class SandboxCustomers
{
    public static bool Verify(IConfiguration configuration, string id, string password)
    {
        var customers = configuration.GetSection("Sandbox:Customers").GetChildren()
            .Select(c => (Id: c["Id"] ?? string.Empty, Password: c["Password"] ?? string.Empty))
            .ToList();
        if (customers.Count == 0)
        {
            customers.Add(("customer-1", "sandbox"));
        }

        return customers.Any(c => c.Id.Length > 0 && string.Equals(c.Id, id, StringComparison.Ordinal)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(c.Password), Encoding.UTF8.GetBytes(password)));
    }
}
