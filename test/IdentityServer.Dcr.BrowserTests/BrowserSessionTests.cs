// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Testing.Browser;

namespace IdentityServer.Dcr.BrowserTests;

/// <summary>The session's certificate scoping, time-outs and artefacts, in a real browser.</summary>
[Category("Integration")]
public sealed class BrowserSessionTests
{
    private ConsentSite _site = null!;

    [OneTimeSetUp]
    public async Task StartSiteAsync() => _site = await ConsentSite.StartAsync();

    [OneTimeTearDown]
    public async Task StopSiteAsync() => await _site.DisposeAsync();

    [Test]
    public async Task A_server_whose_certificate_is_not_trusted_is_refused()
    {
        var before = _site.RequestCount;
        await using var browser = await BrowserSession.StartAsync();

        await browser.RunAsync(async b =>
        {
            await b.NavigateAsync(_site.AuthorizeUrl("s-untrusted"));

            // Chromium stops at its certificate error page: the TLS handshake fails, so no HTTP request arrives.
            Assert.That(b.Title, Is.Not.EqualTo("Sign in to Demo Bank"));
            Assert.That(b.PageSource, Does.Contain("ERR_CERT_AUTHORITY_INVALID"));
            Assert.That(_site.RequestCount, Is.EqualTo(before));
        });
    }

    [Test]
    public async Task A_failed_wait_says_what_it_waited_for_and_saves_a_screenshot_and_the_page()
    {
        var options = new BrowserSessionOptions { WaitTimeout = TimeSpan.FromMilliseconds(300) };
        options.TrustedCertificates.Add(_site.Certificate);
        await using var browser = await BrowserSession.StartAsync(options);
        await browser.NavigateAsync(_site.AuthorizeUrl("s-artefacts"));

        var failure = Assert.ThrowsAsync<TimeoutException>(() => browser.FindButtonAsync("No such button"));

        Assert.That(failure!.Message, Does.Contain("a button 'No such button'").And.Contain(_site.BaseAddress.Authority));
        var files = browser.Artefacts;
        Assert.That(files.Select(Path.GetExtension), Is.SupersetOf(new[] { ".png", ".html" }));
        Assert.That(files, Has.All.StartWith(Path.Combine(TestContext.CurrentContext.WorkDirectory, "browser-artefacts")));
        Assert.That(files, Has.All.Matches<string>(File.Exists));
        var png = await File.ReadAllBytesAsync(files.Single(f => f.EndsWith(".png", StringComparison.Ordinal)));
        Assert.That(png.Take(4), Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }));
        var html = await File.ReadAllTextAsync(files.Single(f => f.EndsWith(".html", StringComparison.Ordinal)));
        Assert.That(html, Does.Contain("Sign in to Demo Bank"));
    }

    [Test]
    public async Task Waiting_for_a_redirect_without_an_intercepted_host_is_a_usage_error()
    {
        var options = new BrowserSessionOptions();
        await using var browser = await BrowserSession.StartAsync(options);

        Assert.ThrowsAsync<InvalidOperationException>(() => browser.WaitForRedirectAsync());
        Assert.That(browser.BrowserVersion, Does.Match(@"^\d+\."));
    }
}
