// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Security.Cryptography;
using System.Text;
using IdentityServer.Dcr.Authorization;
using Microsoft.AspNetCore.Antiforgery;

namespace IdentityServer.Dcr.Host.Development;

/// <summary>
/// The sandbox bank's sign-in and consent page, for both demo hosts: the intent's permissions, a sandbox customer's
/// sign-in and two buttons. Plain HTML forms (no script needed); the page cannot be framed or cached. Each host decides
/// what happens with the decision (its authorization server completes the request).
/// </summary>
public static class SandboxConsentPage
{
    /// <summary>The page's own form fields (never carried as request parameters).</summary>
    public static readonly IReadOnlySet<string> Fields = new HashSet<string>(StringComparer.Ordinal)
    {
        "customer",
        "password",
        "decision",
        "__RequestVerificationToken",
    };

    /// <summary>
    /// Reads the posted form: no decision (show the page), a decision refused (the page again, with the error), or a
    /// customer's verified decision.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="antiforgery">The antiforgery service (the form's token).</param>
    /// <param name="configuration">The sandbox customers.</param>
    /// <returns>What the customer decided.</returns>
    public static async Task<SandboxConsentForm> ReadAsync(HttpContext context, IAntiforgery antiforgery, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(antiforgery);
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : null;
        var decision = form?["decision"].ToString();
        if (decision is not ("approve" or "reject"))
        {
            return new SandboxConsentForm(null, null, null);
        }

        try
        {
            await antiforgery.ValidateRequestAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            return new SandboxConsentForm(null, null, "The form expired; please try again.");
        }

        var customer = form!["customer"].ToString();
        return SandboxCustomers.Verify(configuration, customer, form["password"].ToString())
            ? new SandboxConsentForm(customer, decision == "approve", null)
            : new SandboxConsentForm(null, null, "Unknown customer or wrong password.");
    }

    /// <summary>The page: the intent, the sign-in fields and two buttons; <paramref name="hiddenFields"/> ride along.</summary>
    /// <param name="context">The request (the form posts back to its path).</param>
    /// <param name="antiforgery">The antiforgery service.</param>
    /// <param name="intent">The intent the customer decides on.</param>
    /// <param name="error">Why the last decision was not taken, if it was not.</param>
    /// <param name="hiddenFields">The request's own parameters, to post back.</param>
    /// <returns>The page (<c>200</c>, or <c>400</c> with an error).</returns>
    public static IResult Render(
        HttpContext context,
        IAntiforgery antiforgery,
        AuthorizationIntent intent,
        string? error,
        IEnumerable<(string Name, string Value)> hiddenFields)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(antiforgery);
        ArgumentNullException.ThrowIfNull(intent);
        var tokens = antiforgery.GetAndStoreTokens(context);
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">")
            .Append("<title>Authorise access - IdentityServer.Dcr sandbox bank</title></head><body><main>")
            .Append("<h1>Authorise access to your accounts</h1>")
            .Append("<p>The provider with client id <strong>")
            .Append(Encode(intent.ClientId))
            .Append("</strong> asks for:</p><ul id=\"permissions\">");
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
        foreach (var (name, value) in hiddenFields.Where(p => !Fields.Contains(p.Name)))
        {
            html.Append("<input type=\"hidden\" name=\"").Append(Encode(name)).Append("\" value=\"").Append(Encode(value)).Append("\">");
        }

        html.Append("<input type=\"hidden\" name=\"")
            .Append(Encode(tokens.FormFieldName))
            .Append("\" value=\"")
            .Append(Encode(tokens.RequestToken ?? string.Empty))
            .Append("\">")
            .Append("<p><label for=\"customer\">Customer id</label> <input id=\"customer\" name=\"customer\" autocomplete=\"username\" required></p>")
            .Append(
                "<p><label for=\"password\">Password</label> <input id=\"password\" name=\"password\" "
                + "type=\"password\" autocomplete=\"current-password\" required></p>")
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

/// <summary>What the customer posted on the consent page.</summary>
/// <param name="Customer">The verified customer, when a decision was taken.</param>
/// <param name="Approved">The decision, when one was taken.</param>
/// <param name="Error">Why a posted decision was not taken.</param>
public sealed record SandboxConsentForm(string? Customer, bool? Approved, string? Error);

/// <summary>
/// The sandbox's customers: <c>Sandbox:Customers:N:Id</c> and <c>:Password</c>; by default one, <c>customer-1</c> /
/// <c>sandbox</c>.
/// </summary>
public static class SandboxCustomers
{
    /// <summary>Whether <paramref name="id"/> is a sandbox customer with <paramref name="password"/>.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <param name="id">The customer id.</param>
    /// <param name="password">The password.</param>
    /// <returns><see langword="true"/> when they match.</returns>
    public static bool Verify(IConfiguration configuration, string id, string password)
    {
        ArgumentNullException.ThrowIfNull(configuration);
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
