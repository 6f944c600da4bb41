// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;

namespace IdentityServer.Dcr.Host.Operator;

/// <summary>
/// The operator pages' HTML: one layout (a skip link, the navigation, the page's <c>main</c>), every value encoded with
/// <see cref="HtmlEncoder"/> (software names, subjects, claims and error codes come from TPPs), no script, one
/// stylesheet from the same origin, and headers that keep the pages out of frames and caches.
/// </summary>
internal static class OperatorHtml
{
    /// <summary>
    /// The operator pages' Content Security Policy: nothing but the pages' own stylesheet; forms post to the bank only;
    /// never framed.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>The stylesheet, served at <c>/operator/operator.css</c> (the policy allows no inline style).</summary>
    public const string Stylesheet = """
        body { font-family: system-ui, sans-serif; margin: 0; color: #1b1b1b; background: #fff; line-height: 1.45; }
        header { background: #12355b; color: #fff; padding: .5rem 1rem; display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; }
        header a, header button { color: #fff; }
        header .brand { font-weight: bold; margin: 0; }
        header nav ul { list-style: none; display: flex; gap: 1rem; margin: 0; padding: 0; }
        header form { margin-left: auto; }
        header button { background: none; border: 1px solid #fff; padding: .2rem .6rem; cursor: pointer; }
        main { padding: 1rem 1.5rem 3rem; max-width: 80rem; }
        .skip { position: absolute; left: -999px; }
        .skip:focus { left: 1rem; top: 1rem; background: #fff; color: #12355b; padding: .5rem; }
        table { border-collapse: collapse; margin: .5rem 0 1.5rem; }
        caption { text-align: left; font-weight: bold; padding: .3rem 0; }
        th, td { border: 1px solid #c8c8c8; padding: .3rem .5rem; text-align: left; vertical-align: top; }
        th { background: #eef2f6; }
        td.number { text-align: right; }
        .id, code { font-family: ui-monospace, monospace; font-size: .9em; overflow-wrap: anywhere; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
        dt { font-weight: bold; }
        dd { margin: 0; overflow-wrap: anywhere; }
        .notice { border-left: .4rem solid #2e7d32; background: #edf7ee; padding: .5rem 1rem; }
        .problem { border-left: .4rem solid #b3261e; background: #fdecea; padding: .5rem 1rem; }
        .status-disabled { color: #b3261e; font-weight: bold; }
        .status-enabled { color: #2e7d32; font-weight: bold; }
        .search { display: flex; flex-wrap: wrap; gap: 1rem; align-items: end; }
        .search p { margin: 0; }
        .hint { display: block; font-size: .85em; color: #555; }
        .actions form { border: 1px solid #c8c8c8; padding: .5rem 1rem; margin-bottom: 1rem; max-width: 50rem; }
        button.danger { background: #b3261e; color: #fff; border: 0; padding: .3rem .8rem; }
        .pages { display: flex; gap: 1rem; }
        svg { max-width: 100%; height: auto; }
        .bar-created { fill: #2e7d32; }
        .bar-refused { fill: #b3261e; }
        .axis { stroke: #555; }
        .chart-label { font-size: 11px; fill: #333; }
        .key { display: inline-block; width: .9em; height: .9em; vertical-align: middle; }
        .key-created { background: #2e7d32; }
        .key-refused { background: #b3261e; }
        """;

    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;

    /// <summary>Encodes text for an element's content or a quoted attribute.</summary>
    /// <param name="value">The text, from anywhere.</param>
    /// <returns>The encoded text.</returns>
    public static string Encode(string? value) => value is null ? string.Empty : Encoder.Encode(value);

    /// <summary>A time as the pages show it: UTC, to the second.</summary>
    /// <param name="value">The time.</param>
    /// <returns>For example <c>2026-01-10 14:03:07 UTC</c>.</returns>
    public static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The path of the registration page of <paramref name="clientId"/>, under the request's path base.</summary>
    /// <param name="context">The request.</param>
    /// <param name="clientId">The client.</param>
    /// <param name="suffix">A further segment (an action), or none.</param>
    /// <returns>The path, not yet HTML-encoded.</returns>
    public static string RegistrationPath(HttpContext context, string clientId, string? suffix = null)
        => context.Request.PathBase
            + OperatorArea.BasePath
            + "/registrations/"
            + Uri.EscapeDataString(clientId)
            + (suffix is null ? string.Empty : "/" + suffix);

    /// <summary>A hidden antiforgery field for a form on this page.</summary>
    /// <param name="context">The request.</param>
    /// <param name="antiforgery">The antiforgery service.</param>
    /// <returns>The field.</returns>
    public static string AntiforgeryField(HttpContext context, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return $"<input type=\"hidden\" name=\"{Encode(tokens.FormFieldName)}\" value=\"{Encode(tokens.RequestToken)}\">";
    }

    /// <summary>
    /// A whole page: the layout around <paramref name="body"/> (already HTML), with the operator's name and, for the
    /// sandbox sign-in, a sign-out button; the security headers are set on the response.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="antiforgery">The antiforgery service (the sign-out form).</param>
    /// <param name="title">The page's title (text).</param>
    /// <param name="body">The content of <c>main</c> (HTML).</param>
    /// <param name="statusCode">The status code.</param>
    /// <param name="signedIn">Whether to show the operator's name and navigation (not on the sign-in page).</param>
    /// <returns>The result.</returns>
    public static IResult Page(
        HttpContext context,
        IAntiforgery antiforgery,
        string title,
        string body,
        int statusCode = StatusCodes.Status200OK,
        bool signedIn = true)
    {
        var root = context.Request.PathBase + OperatorArea.BasePath;
        var html = new StringBuilder(4096);
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">")
            .Append("<title>").Append(Encode(title)).Append(" - Operator - IdentityServer.Dcr</title>")
            .Append("<link rel=\"stylesheet\" href=\"").Append(Encode(root + "/operator.css")).Append("\"></head><body>")
            .Append("<a class=\"skip\" href=\"#main\">Skip to content</a><header><p class=\"brand\">IdentityServer.Dcr operator</p>");
        if (signedIn)
        {
            html.Append("<nav aria-label=\"Operator\"><ul>")
                .Append("<li><a href=\"").Append(Encode(root)).Append("\">Registrations</a></li>")
                .Append("<li><a href=\"").Append(Encode(root + "/activity")).Append("\">Activity</a></li>")
                .Append("</ul></nav>");
            var name = OperatorArea.OperatorName(context.User) ?? "(unnamed)";
            if (context.RequestServices.GetService<OperatorAreaSettings>() is { SandboxSignIn: true })
            {
                html.Append("<form method=\"post\" action=\"").Append(Encode(root + "/sign-out")).Append("\">")
                    .Append(AntiforgeryField(context, antiforgery))
                    .Append("<span id=\"operator-name\">").Append(Encode(name)).Append("</span> <button type=\"submit\">Sign out</button></form>");
            }
            else
            {
                html.Append("<p id=\"operator-name\">").Append(Encode(name)).Append("</p>");
            }
        }

        html.Append("</header><main id=\"main\">").Append(body).Append("</main></body></html>");
        SetHeaders(context.Response);
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, statusCode);
    }

    /// <summary>A <c>303 See Other</c> to a page of the area (post-redirect-get).</summary>
    /// <param name="context">The request.</param>
    /// <param name="location">The path (under the path base) and query.</param>
    /// <returns>The result.</returns>
    public static IResult SeeOther(HttpContext context, string location)
    {
        SetHeaders(context.Response);
        context.Response.Headers.Location = location;
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }

    /// <summary>The security headers of every operator response.</summary>
    /// <param name="response">The response.</param>
    public static void SetHeaders(HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Frame-Options"] = "DENY";
        response.Headers["X-Content-Type-Options"] = "nosniff";
        response.Headers["Referrer-Policy"] = "same-origin";
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
    }
}
