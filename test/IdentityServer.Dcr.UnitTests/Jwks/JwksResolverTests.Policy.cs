// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Jwks;

namespace IdentityServer.Dcr.UnitTests.Jwks;

/// <summary>The URL policy (SSRF guard) applied before any network access.</summary>
public sealed partial class JwksResolverTests
{
    [Test]
    public async Task FindKeyAsync_HttpSoftwareUrl_RefusedWithoutFetching()
    {
        // Act
        var result = await CreateResolver().FindKeyAsync(new Uri("http://keystore.example.com/jwks"), "k1", JwksSourceKind.Software, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Refused));
            Assert.That(result.Reason, Is.EqualTo(JwksReasons.HttpsRequired));
            Assert.That(_handler.Count, Is.Zero);
            Assert.That(_logger.LatestRecord.Id.Id, Is.EqualTo(1408));
        });
    }

    [TestCase(JwksSourceKind.Software)]
    [TestCase(JwksSourceKind.TrustAnchor)]
    public async Task FindKeyAsync_HostRefusedByIdna_RefusedWithoutFetchingOrThrowing(JwksSourceKind kind)
    {
        // Arrange: Uri.TryCreate accepts a zero-width joiner in the host, but Uri.IdnHost then throws (found by fuzzing).
        Assert.That(Uri.TryCreate("https://a\u200db.example/jwks", UriKind.Absolute, out var uri), Is.True);

        // Act
        var result = await CreateResolver().FindKeyAsync(uri!, "k1", kind, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Refused));
            Assert.That(result.Reason, Is.EqualTo(JwksReasons.InvalidHost));
            Assert.That(_handler.Count, Is.Zero);
        });
    }

    [Test]
    public async Task FindKeyAsync_HttpTrustAnchorUrl_Refused()
    {
        // Act
        var result = await CreateResolver().FindKeyAsync(new Uri("http://directory.example.com/jwks"), "k1", JwksSourceKind.TrustAnchor, CancellationToken.None);

        // Assert
        Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Refused));
    }

    [Test]
    public async Task FindKeyAsync_HttpWhenAllowed_Fetched()
    {
        // Arrange
        _options.Jwks.AllowHttp = true;

        // Act
        var result = await CreateResolver().FindKeyAsync(new Uri("http://keystore.example.com/jwks"), "k1", JwksSourceKind.Software, CancellationToken.None);

        // Assert
        Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Found));
    }

    [TestCase("ftp://keystore.example.com/jwks")]
    [TestCase("file:///etc/passwd")]
    public async Task FindKeyAsync_OtherScheme_Refused(string url)
    {
        // Arrange
        _options.Jwks.AllowHttp = true;

        // Act
        var result = await CreateResolver().FindKeyAsync(new Uri(url), "k1", JwksSourceKind.Software, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Refused));
            Assert.That(_handler.Count, Is.Zero);
        });
    }

    [Test]
    public async Task FindKeyAsync_RelativeUrl_Refused()
    {
        // Act
        var result = await CreateResolver().FindKeyAsync(new Uri("/jwks", UriKind.Relative), "k1", JwksSourceKind.Software, CancellationToken.None);

        // Assert
        Assert.That(result.Reason, Is.EqualTo(JwksReasons.NotAbsolute));
    }

    [TestCase("https://user@keystore.example.com/jwks")]
    [TestCase("https://user:secret@keystore.example.com/jwks")]
    [TestCase("https://keystore.example.com@169.254.169.254/jwks")]
    public async Task FindKeyAsync_UserInfo_Refused(string url)
    {
        // Act
        var result = await CreateResolver().FindKeyAsync(new Uri(url), "k1", JwksSourceKind.Software, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Refused));
            Assert.That(result.Reason, Is.EqualTo(JwksReasons.UserInfoNotAllowed));
            Assert.That(_handler.Count, Is.Zero);
        });
    }

    [TestCase("https://keystore.openbanking.org.uk/org/s.jwks", true)]
    [TestCase("https://KEYSTORE.OpenBanking.org.uk/org/s.jwks", true)]
    [TestCase("https://keystore.openbanking.org.uk:8443/org/s.jwks", true)]
    [TestCase("https://evil.keystore.openbanking.org.uk/s.jwks", false)]
    [TestCase("https://keystore.openbanking.org.uk.evil.com/s.jwks", false)]
    [TestCase("https://a.sandbox.example/s.jwks", true)]
    [TestCase("https://a.b.sandbox.example/s.jwks", true)]
    [TestCase("https://sandbox.example/s.jwks", false)]
    [TestCase("https://evilsandbox.example/s.jwks", false)]
    [TestCase("https://sandbox.example.evil.com/s.jwks", false)]
    [TestCase("https://127.0.0.1/s.jwks", false)]
    public async Task FindKeyAsync_AllowedHosts_MatchesExactOrSubdomain(string url, bool allowed)
    {
        // Arrange
        _options.Jwks.AllowedHosts.Add("keystore.openbanking.org.uk");
        _options.Jwks.AllowedHosts.Add("*.sandbox.example");

        // Act
        var result = await CreateResolver().FindKeyAsync(new Uri(url), "k1", JwksSourceKind.Software, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(allowed ? JwksLookupStatus.Found : JwksLookupStatus.Refused));
            Assert.That(_handler.Count, Is.EqualTo(allowed ? 1 : 0));
        });
    }

    [Test]
    public async Task FindKeyAsync_AllowedHostsDoNotApplyToTrustAnchors()
    {
        // Arrange
        _options.Jwks.AllowedHosts.Add("keystore.openbanking.org.uk");

        // Act
        var result = await CreateResolver().FindKeyAsync(AnchorUri, "k1", JwksSourceKind.TrustAnchor, CancellationToken.None);

        // Assert
        Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Found));
    }

    [Test]
    public async Task FindKeyAsync_ConnectGuardRefusesAddress_RefusedNotUnavailable()
    {
        // Arrange: what SocketsHttpHandler throws when the connect callback refuses every address.
        _handler.Respond = (_, _) => throw new HttpRequestException("wrapped", new JwksAddressRefusedException("keystore.example.com"));

        // Act
        var result = await CreateResolver().FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.Software, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Refused));
            Assert.That(result.Reason, Is.EqualTo(JwksReasons.NonPublicAddress));
            Assert.That(_logger.LatestRecord.Id.Id, Is.EqualTo(1408));
        });
    }

    [Test]
    public async Task FindKeyAsync_RefusedOnRefreshAfterExpiry_StaleCopyNotServed()
    {
        // Arrange: DNS now points the host at a private address.
        var resolver = CreateResolver();
        await resolver.FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.Software, CancellationToken.None);
        _time.Advance(_options.Jwks.CacheDuration);
        _handler.Respond = (_, _) => throw new HttpRequestException("wrapped", new JwksAddressRefusedException("keystore.example.com"));

        // Act
        var result = await resolver.FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.Software, CancellationToken.None);

        // Assert
        Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Refused));
    }
}
