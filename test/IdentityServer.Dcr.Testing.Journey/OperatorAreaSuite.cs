// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IdentityServer.Dcr.Auditing;
using IdentityServer.Dcr.Models;
using IdentityServer.Dcr.Stores;
using IdentityServer.Dcr.Testing.Browser;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;

namespace IdentityServer.Dcr.Testing.Journey;

/// <summary>
/// The demo banks' operator area (<c>/operator</c>) on a bank in-process, in the Development environment with the
/// sandbox operator's sign-in: a real headless Chromium signs in, lists, searches, opens a registration, disables it
/// (its client_credentials requests are then refused), enables it again, deletes another and reads the activity chart,
/// keeping a screenshot of every page; plain HTTP clients check that the area needs the sign-in, that a form without its
/// antiforgery token changes nothing, and that client-controlled values are encoded. Each bank's test project derives
/// one fixture (one suite, two banks).
/// </summary>
[Category("Integration")]
public abstract partial class OperatorAreaSuite : DemoBankSuite
{
    private const string Operator = "/operator";

    [Test]
    public async Task Browser_SignInListSearchOpenDisableEnableDelete_AndTheActivityChart()
    {
        // Arrange: a second TPP to delete, and a refused registration attempt of the first TPP's software.
        using var doomed = await RegisterTppAsync();
        var registration = await RegistrationAsync(Tpp.ClientId);
        await RefusedRegistrationAttemptAsync(Tpp, registration);
        var options = new BrowserSessionOptions { WaitTimeout = TimeSpan.FromSeconds(15) };
        options.TrustedCertificates.Add(Bank.ServerCertificate);
        await using var browser = await BrowserSession.StartAsync(options);
        var screenshots = new List<string>();
        void Screenshot(string page) => screenshots.AddRange(browser.SaveArtefacts(page).Where(f => f.EndsWith(".png", StringComparison.Ordinal)));

        await browser.RunAsync(async session =>
        {
            // Sign in: the area sends the anonymous browser to the sandbox operator's sign-in, then back.
            await session.NavigateAsync(new Uri(Bank.Url + Operator));
            await session.WaitForUrlAsync(u => u.AbsolutePath == Operator + "/sign-in", "the operator sign-in page");
            Screenshot("sign-in");
            await session.FillAsync("Operator", "operator");
            await session.FillAsync("Password", "sandbox");
            await session.ClickAsync("Sign in");
            await session.WaitForUrlAsync(u => u.AbsolutePath == Operator, "the registrations after signing in");

            // The list: both registrations, with their software and state.
            await session.WaitForTextAsync(Tpp.ClientId);
            await session.WaitForTextAsync(doomed.ClientId);
            Assert.That(session.PageText, Does.Contain(registration.SoftwareId).And.Contain(registration.OrganisationId).And.Contain("Enabled"));
            Screenshot("registrations");

            // Search by part of the software id, in another case, among enabled clients.
            await session.FillAsync("Search", registration.SoftwareId[..Math.Min(10, registration.SoftwareId.Length)].ToUpperInvariant());
            await session.SelectAsync("Status", "Enabled");
            await session.ClickAsync("Search");
            await session.WaitForUrlAsync(u => u.Query.Contains("status=enabled", StringComparison.Ordinal), "the search's results");
            await session.WaitForTextAsync(Tpp.ClientId);
            Assert.That(session.PageText, Does.Not.Contain(doomed.ClientId), "the other software does not match");
            Screenshot("search");

            // Open it: metadata, SSA claims, certificate and the audit history with the refused attempt.
            session.Driver.FindElement(By.LinkText(Tpp.ClientId)).Click();
            await session.WaitForTextAsync("Audit history");
            var page = session.PageText;
            Assert.Multiple(() =>
            {
                Assert.That(page, Does.Contain(Tpp.TransportCertificate.GetCertHashString(HashAlgorithmName.SHA256)), "the certificate's thumbprint");
                Assert.That(page, Does.Contain("token_endpoint_auth_method").And.Contain("private_key_jwt"), "the registered metadata");
                Assert.That(page, Does.Contain("software_jwks_endpoint"), "the SSA's claims");
                Assert.That(page, Does.Contain("rejected"), "the refused attempt of the same software");
            });
            Screenshot("registration");

            // Disable: post-redirect-get with a status message; the client's token requests are refused from now on.
            await session.ClickAsync("Disable");
            await session.WaitForTextAsync("The client is disabled");
            Assert.That(session.Driver.FindElement(By.Id("status")).Text, Does.StartWith("Disabled"));
            Screenshot("disabled");
        });

        using (var refused = await ClientCredentialsAsync(Tpp))
        {
            Assert.That((int)refused.StatusCode, Is.AnyOf(400, 401), "a disabled client gets no token");
            Assert.That(JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!.GetValue<string>(), Is.EqualTo("invalid_client"));
        }

        var disabledBy = (await AuditAsync(new DcrAuditQuery { ClientId = Tpp.ClientId }))[0];
        Assert.That((disabledBy.Operation, disabledBy.Actor), Is.EqualTo(("disable", "operator:operator")), "the audit trail names the operator");

        await browser.RunAsync(async session =>
        {
            await session.ClickAsync("Enable");
            await session.WaitForTextAsync("enabled again");
            Assert.That(session.Driver.FindElement(By.Id("status")).Text, Does.StartWith("Enabled"));
            Screenshot("enabled");
        });

        using (var granted = await ClientCredentialsAsync(Tpp))
        {
            Assert.That(granted.StatusCode, Is.EqualTo(HttpStatusCode.OK), await granted.Content.ReadAsStringAsync());
        }

        await browser.RunAsync(async session =>
        {
            // Delete the other client: the confirmation first, then back to the list with a message.
            await session.NavigateAsync(new Uri(Bank.Url + Operator + "/registrations/" + Uri.EscapeDataString(doomed.ClientId)));
            await session.WaitForTextAsync("Audit history");
            await session.CheckAsync("Delete this registration");
            await session.ClickAsync("Delete");
            await session.WaitForTextAsync("deleted; its tokens were revoked");
            Assert.That(session.Url.AbsolutePath, Is.EqualTo(Operator));
            Assert.That(session.Driver.FindElement(By.Id("message")).Text, Does.Contain(doomed.ClientId));
            Screenshot("deleted");

            // The activity: an SVG chart of 14 days and the same numbers in a table.
            await session.NavigateAsync(new Uri(Bank.Url + Operator + "/activity"));
            var chart = await session.WaitForElementAsync("svg#activity-chart");
            var created = chart.FindElements(By.CssSelector("rect.bar-created"));
            var refusedBars = chart.FindElements(By.CssSelector("rect.bar-refused"));
            var rows = session.Driver.FindElements(By.CssSelector("#activity tbody tr"));
            int Column(int index) => rows.Sum(r => int.Parse(r.FindElements(By.TagName("td"))[index].Text, System.Globalization.CultureInfo.InvariantCulture));
            int Attribute(IWebElement bar, string name) => int.Parse(bar.GetDomAttribute(name) ?? "-1", System.Globalization.CultureInfo.InvariantCulture);
            var createdTotal = created.Sum(r => Attribute(r, "data-count"));
            Assert.Multiple(() =>
            {
                Assert.That(created, Has.Count.EqualTo(14));
                Assert.That(refusedBars, Has.Count.EqualTo(14));
                Assert.That(rows, Has.Count.EqualTo(14));
                Assert.That(createdTotal, Is.GreaterThanOrEqualTo(2), "both registrations of this test");
                Assert.That(created.Max(r => Attribute(r, "height")), Is.GreaterThan(0), "a visible bar");
                Assert.That(Column(0), Is.EqualTo(createdTotal), "the table says what the chart shows");
                Assert.That(Column(1), Is.GreaterThanOrEqualTo(1), "the refused attempt");
                Assert.That(Column(3), Is.GreaterThanOrEqualTo(1), "the deletion");
                Assert.That(Column(4), Is.GreaterThanOrEqualTo(1), "the operator's disable");
            });
            Screenshot("activity");
        });

        // Assert: the deleted client is gone, and its tokens with it.
        Assert.That(await Bank.Services.GetRequiredService<IClientRegistrationStore>().FindByClientIdAsync(doomed.ClientId, CancellationToken.None), Is.Null);
        using (var gone = await ClientCredentialsAsync(doomed))
        {
            Assert.That((int)gone.StatusCode, Is.AnyOf(400, 401));
        }

        TestContext.Out.WriteLine("Operator area screenshots:" + Environment.NewLine + string.Join(Environment.NewLine, screenshots));
        Assert.That(screenshots, Has.Count.EqualTo(8), "a screenshot of each page");
    }

    [Test]
    public async Task Anonymous_EveryPageRedirectsToTheSignIn_AndAPostChangesNothing()
    {
        // Arrange
        using var anonymous = BrowserClient();
        var detail = Operator + "/registrations/" + Uri.EscapeDataString(Tpp.ClientId);

        // Act
        var redirects = new List<Uri?>();
        foreach (var path in new[] { Operator, Operator + "/activity", detail })
        {
            using var response = await anonymous.GetAsync(new Uri(Bank.Url + path));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), path);
            redirects.Add(response.Headers.Location);
        }

        using var post = await anonymous.PostAsync(new Uri(Bank.Url + detail + "/disable"), new FormUrlEncodedContent(new Dictionary<string, string>()));

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(redirects.Select(r => r?.AbsolutePath), Is.All.EqualTo(Operator + "/sign-in"));
            Assert.That(redirects[2]!.Query, Does.Contain("ReturnUrl=" + Uri.EscapeDataString(detail)));
            Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
            Assert.That(post.Headers.Location?.AbsolutePath, Is.EqualTo(Operator + "/sign-in"));
            Assert.That((await RegistrationAsync(Tpp.ClientId)).IsDisabled, Is.False, "nothing changed");
        });
    }

    [Test]
    public async Task SignedIn_PostWithoutOrWithAnotherSessionsAntiforgeryToken_RefusedAndNothingChanges()
    {
        // Arrange: two signed-in sessions; the second's token is valid, but not for the first.
        using var browser = BrowserClient();
        await SignInAsync(browser);
        using var other = BrowserClient();
        await SignInAsync(other);
        var action = new Uri(Bank.Url + Operator + "/registrations/" + Uri.EscapeDataString(Tpp.ClientId) + "/disable");
        var otherToken = AntiforgeryToken(await other.GetStringAsync(new Uri(Bank.Url + Operator + "/registrations/" + Uri.EscapeDataString(Tpp.ClientId))));
        var before = (await AuditAsync(new DcrAuditQuery { ClientId = Tpp.ClientId })).Count;

        // Act
        using var without = await browser.PostAsync(action, new FormUrlEncodedContent(new Dictionary<string, string>()));
        using var foreign = await browser.PostAsync(action, new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = otherToken }));

        // Assert
        var entries = await AuditAsync(new DcrAuditQuery { ClientId = Tpp.ClientId });
        Assert.Multiple(async () =>
        {
            Assert.That(without.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await without.Content.ReadAsStringAsync(), Does.Contain("nothing was changed"));
            Assert.That(foreign.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That((await RegistrationAsync(Tpp.ClientId)).IsDisabled, Is.False);
            Assert.That(entries, Has.Count.EqualTo(before), "no audit entry: nothing was written");
        });
    }

    [Test]
    public async Task SignIn_WrongPasswordOrForeignReturnUrl_NoSessionAndNoOpenRedirect()
    {
        // Arrange
        using var browser = BrowserClient();
        var form = await browser.GetStringAsync(new Uri(Bank.Url + Operator + "/sign-in"));

        // Act
        using var wrong = await browser.PostAsync(new Uri(Bank.Url + Operator + "/sign-in"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryToken(form),
            ["name"] = "operator",
            ["password"] = "not-the-password",
        }));
        using var stillAnonymous = await browser.GetAsync(new Uri(Bank.Url + Operator));
        using var right = await browser.PostAsync(new Uri(Bank.Url + Operator + "/sign-in"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryToken(form),
            ["name"] = "operator",
            ["password"] = "sandbox",
            ["ReturnUrl"] = "https://attacker.example/operator",
        }));

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await wrong.Content.ReadAsStringAsync(), Does.Contain("wrong password"));
            Assert.That(stillAnonymous.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "no session from a wrong password");
            Assert.That(right.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
            Assert.That(right.Headers.Location?.OriginalString, Is.EqualTo(Operator), "only a path of the area is followed");
        });
    }

    [Test]
    public async Task Pages_EncodeClientControlledValues_NoScriptAndTheirSecurityHeaders()
    {
        // Arrange: an audit entry of the TPP's software whose values a TPP controls (an error code, a certificate subject).
        var registration = await RegistrationAsync(Tpp.ClientId);
        await Bank.Services.GetRequiredService<IDcrAuditStore>().RecordAsync(new DcrAuditRecord
        {
            OccurredAt = DateTimeOffset.UtcNow,
            Operation = DcrAuditOperations.Create,
            Outcome = DcrAuditOutcomes.Rejected,
            ErrorCode = "<img src=x onerror=alert(1)>",
            SoftwareId = registration.SoftwareId,
            CertificateSubject = "CN=\"><script>alert(2)</script>",
        }, CancellationToken.None);
        using var browser = BrowserClient();
        await SignInAsync(browser);

        // Act
        using var detail = await browser.GetAsync(new Uri(Bank.Url + Operator + "/registrations/" + Uri.EscapeDataString(Tpp.ClientId)));
        var detailHtml = await detail.Content.ReadAsStringAsync();
        using var search = await browser.GetAsync(new Uri(Bank.Url + Operator + "?q=" + Uri.EscapeDataString("\"><script>alert(3)</script>")));
        var searchHtml = await search.Content.ReadAsStringAsync();
        using var activity = await browser.GetAsync(new Uri(Bank.Url + Operator + "/activity"));
        var activityHtml = await activity.Content.ReadAsStringAsync();

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(detail.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(detailHtml, Does.Contain("&lt;img src=x onerror=alert(1)&gt;"));
            Assert.That(detailHtml, Does.Not.Contain("<img src=x"));
            Assert.That(searchHtml, Does.Not.Contain("\"><script>"));
            foreach (var (response, html) in new[] { (detail, detailHtml), (search, searchHtml), (activity, activityHtml) })
            {
                Assert.That(html, Does.Not.Contain("<script"), "no script at all");
                Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain("default-src 'none'").And.Contain("frame-ancestors 'none'").And.Contain("form-action 'self'"));
                Assert.That(response.Headers.CacheControl?.NoStore, Is.True);
            }
        });
    }

    private async Task<ClientRegistration> RegistrationAsync(string clientId)
        => await Bank.Services.GetRequiredService<IClientRegistrationStore>().FindByClientIdAsync(clientId, CancellationToken.None)
            ?? throw new AssertionException($"No registration {clientId}.");

    private Task<IReadOnlyList<DcrAuditRecord>> AuditAsync(DcrAuditQuery query)
        => Bank.Services.GetRequiredService<IDcrAuditStore>().FindAsync(query, CancellationToken.None);

    /// <summary>A registration request the SSA's software did not sign (another <c>iss</c>), over the TPP's mutual TLS: refused and audited.</summary>
    private async Task RefusedRegistrationAttemptAsync(IJourneyTpp tpp, ClientRegistration registration)
    {
        using var discovery = BrowserClient();
        var issuer = JsonNode.Parse(await discovery.GetStringAsync(new Uri(Bank.Url + "/.well-known/openid-configuration")))!["issuer"]!.GetValue<string>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var request = tpp.Sign(new JsonObject
        {
            ["iss"] = "another-software",
            ["aud"] = issuer,
            ["iat"] = now,
            ["exp"] = now + 300,
            ["jti"] = Guid.NewGuid().ToString(),
            ["software_statement"] = registration.SoftwareStatement,
            ["token_endpoint_auth_method"] = "private_key_jwt",
            ["token_endpoint_auth_signing_alg"] = "PS256",
            ["redirect_uris"] = new JsonArray(tpp.RedirectUri),
        });
        using var client = TppClientFor(tpp);
        using var response = await client.PostAsync(new Uri(Bank.Url + "/register"), new StringContent(request, Encoding.UTF8, "application/jose"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), await response.Content.ReadAsStringAsync());
        var refusals = await AuditAsync(new DcrAuditQuery { SoftwareId = registration.SoftwareId });
        Assert.That(refusals.Select(r => r.Outcome), Does.Contain("rejected"), "the refusal is in the audit trail, under the software");
    }

    private async Task<HttpResponseMessage> ClientCredentialsAsync(IJourneyTpp tpp)
    {
        var tokenEndpoint = Bank.Url + "/connect/token";
        using var client = TppClientFor(tpp);
        return await client.PostAsync(new Uri(tokenEndpoint), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["scope"] = "accounts",
            ["client_id"] = tpp.ClientId,
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = tpp.ClientAssertion(tokenEndpoint),
        }));
    }

    /// <summary>Signs the sandbox operator in with a plain HTTP client (its cookies kept).</summary>
    private async Task SignInAsync(HttpClient browser)
    {
        var form = await browser.GetStringAsync(new Uri(Bank.Url + Operator + "/sign-in"));
        using var response = await browser.PostAsync(new Uri(Bank.Url + Operator + "/sign-in"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryToken(form),
            ["name"] = "operator",
            ["password"] = "sandbox",
        }));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther), await response.Content.ReadAsStringAsync());
    }

    private static string AntiforgeryToken(string html)
    {
        var match = AntiforgeryField().Match(html);
        Assert.That(match.Success, Is.True, "the page has a form with an antiforgery token");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }



    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]*)\"")]
    private static partial Regex AntiforgeryField();
}
