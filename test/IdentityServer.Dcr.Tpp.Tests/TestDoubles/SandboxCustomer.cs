// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Text.RegularExpressions;

namespace IdentityServer.Dcr.Tpp.Tests.TestDoubles;

/// <summary>
/// The customer's browser on the demo bank's consent page, as an HTTP client that follows the server-rendered form:
/// open the authorization URL, sign in as a sandbox customer, approve or reject, and return where the bank redirects
/// (the TPP's redirect URI, which is not a server here). No client certificate; cookies kept; redirects not followed.
/// </summary>
internal static partial class SandboxCustomer
{
    public const string Id = "customer-1";
    public const string Password = "sandbox";

    /// <summary>Opens <paramref name="authorizationUrl"/>, signs in and decides (<c>approve</c> or <c>reject</c>); returns the redirect's Location.</summary>
    public static async Task<Uri> DecideAsync(Uri authorizationUrl, string decision)
    {
        using var browser = new HttpClient(new HttpClientHandler
        {
            AllowAutoRedirect = false,
            UseCookies = true,
            CookieContainer = new CookieContainer(),
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
        });
        using var page = await browser.GetAsync(authorizationUrl);
        var html = await page.Content.ReadAsStringAsync();
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK), html);
        var fields = HiddenInput().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        fields["customer"] = Id;
        fields["password"] = Password;
        fields["decision"] = decision;
        using var answer = await browser.PostAsync(new Uri(authorizationUrl.GetLeftPart(UriPartial.Path)), new FormUrlEncodedContent(fields));
        Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await answer.Content.ReadAsStringAsync());
        return answer.Headers.Location!;
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenInput();
}
