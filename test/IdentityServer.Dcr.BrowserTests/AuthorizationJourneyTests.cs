// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Testing.Browser;
using Microsoft.AspNetCore.WebUtilities;

namespace IdentityServer.Dcr.BrowserTests;

/// <summary>
/// A customer's journey through server-rendered sign-in and consent pages in headless Chromium, over HTTPS on
/// loopback, ending with the redirect to the TPP's <c>redirect_uri</c> on a host that does not exist
/// (<c>tpp.example</c>), captured by the session. The session starts in <c>[SetUp]</c> and is disposed in
/// <c>[TearDown]</c>, which saves a screenshot and the page source when the test failed.
/// </summary>
[Category("Integration")]
public sealed class AuthorizationJourneyTests
{
    private ConsentSite _site = null!;
    private BrowserSession? _browser;

    [OneTimeSetUp]
    public async Task StartSiteAsync() => _site = await ConsentSite.StartAsync();

    [OneTimeTearDown]
    public async Task StopSiteAsync() => await _site.DisposeAsync();

    [SetUp]
    public async Task StartBrowserAsync()
    {
        var options = new BrowserSessionOptions();
        options.TrustedCertificates.Add(_site.Certificate);
        options.InterceptedHosts.Add("tpp.example");
        _browser = await BrowserSession.StartAsync(options);
    }

    [TearDown]
    public async Task StopBrowserAsync()
    {
        // Null when SetUp found no browser (the test then failed, or was ignored with DCR_TEST_BROWSER_OPTIONAL=1).
        if (_browser is not null)
        {
            await Browser.DisposeAsync();
            _browser = null;
        }
    }

    private BrowserSession Browser => _browser ?? throw new InvalidOperationException("SetUp did not start a browser.");

    [Test]
    public async Task Approving_redirects_to_the_tpp_with_a_code_and_the_state()
    {
        await Browser.NavigateAsync(_site.AuthorizeUrl("state-123 &x"));
        await Browser.FillAsync("Username", ConsentSite.Username);
        await Browser.FillAsync("Password", ConsentSite.Password);
        await Browser.ClickAsync("Sign in");
        await Browser.WaitForTextAsync("Acme TPP asks to read your account information.");
        await Browser.SelectAsync("Account", "Savings account ending 4321");
        await Browser.ClickAsync("Approve");

        var redirect = await Browser.WaitForRedirectAsync(url => url.AbsolutePath == "/callback");

        var query = QueryHelpers.ParseQuery(redirect.Query);
        Assert.Multiple(() =>
        {
            Assert.That(redirect.GetLeftPart(UriPartial.Path), Is.EqualTo(ConsentSite.RedirectUri));
            Assert.That(query["state"].ToString(), Is.EqualTo("state-123 &x"));
            Assert.That(query.ContainsKey("error"), Is.False);
            Assert.That(_site.IssuedCodes, Does.ContainKey(query["code"].ToString()));
            Assert.That(_site.IssuedCodes[query["code"].ToString()], Is.EqualTo("87654321"));
        });

        // The browser followed the 302 to the intercepted host: its address bar shows the TPP's URL.
        var shown = await Browser.WaitForUrlAsync(url => url.Host == "tpp.example", "the TPP's callback in the address bar");
        Assert.That(shown, Is.EqualTo(redirect));
    }

    [Test]
    public async Task Rejecting_redirects_to_the_tpp_with_access_denied()
    {
        await Browser.NavigateAsync(_site.AuthorizeUrl("s-reject"));
        await Browser.FillAsync("username", ConsentSite.Username);
        await Browser.FillAsync("password", ConsentSite.Password);
        await Browser.ClickAsync("Sign in");
        await Browser.ClickAsync("Reject");

        var redirect = await Browser.WaitForRedirectAsync();

        var query = QueryHelpers.ParseQuery(redirect.Query);
        Assert.Multiple(() =>
        {
            Assert.That(redirect.Host, Is.EqualTo("tpp.example"));
            Assert.That(query["error"].ToString(), Is.EqualTo("access_denied"));
            Assert.That(query["state"].ToString(), Is.EqualTo("s-reject"));
            Assert.That(query.ContainsKey("code"), Is.False);
        });
    }

    [Test]
    public async Task A_wrong_password_is_shown_on_the_page_and_a_second_try_goes_through()
    {
        await Browser.NavigateAsync(_site.AuthorizeUrl("s-retry"));
        await Browser.FillAsync("Username", ConsentSite.Username);
        await Browser.FillAsync("Password", "wrong");
        await Browser.ClickAsync("Sign in");

        await Browser.WaitForTextAsync("The username or password is wrong.");
        Assert.That(Browser.InterceptedRequests, Is.Empty);

        await Browser.FillAsync("Username", ConsentSite.Username);
        await Browser.FillAsync("Password", ConsentSite.Password);
        await Browser.ClickAsync("Sign in");
        await Browser.ClickAsync("Approve");

        var redirect = await Browser.WaitForRedirectAsync(url => url.Query.Contains("code=", StringComparison.Ordinal));
        Assert.That(QueryHelpers.ParseQuery(redirect.Query)["state"].ToString(), Is.EqualTo("s-retry"));
    }
}
