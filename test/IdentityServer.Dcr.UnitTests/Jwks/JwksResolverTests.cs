// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Jwks;
using IdentityServer.Dcr.Testing;
using IdentityServer.Dcr.UnitTests.TestDoubles;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace IdentityServer.Dcr.UnitTests.Jwks;

/// <summary>Caching, refresh, concurrency and failure handling of <see cref="JwksResolver"/>.</summary>
[TestFixture]
public sealed partial class JwksResolverTests
{
    private static readonly Uri SoftwareUri = new("https://keystore.example.com/org/software.jwks");
    private static readonly Uri AnchorUri = new("https://directory.example.com/jwks");

    private RSA _rsa1 = null!;
    private RSA _rsa2 = null!;
    private ECDsa _ec = null!;

    private DcrOptions _options = null!;
    private FakeTimeProvider _time = null!;
    private FakeLogger<JwksResolver> _logger = null!;
    private FakeHttpMessageHandler _handler = null!;
    private FakeHttpClientFactory _factory = null!;
    private string _document = null!;

    [OneTimeSetUp]
    public void CreateKeys()
    {
        _rsa1 = RSA.Create(2048);
        _rsa2 = RSA.Create(2048);
        _ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    }

    [OneTimeTearDown]
    public void DisposeKeys()
    {
        _rsa1.Dispose();
        _rsa2.Dispose();
        _ec.Dispose();
    }

    [SetUp]
    public void SetUp()
    {
        _options = new DcrOptions();
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        _logger = new FakeLogger<JwksResolver>();
        _document = TestJwks.Set(TestJwks.Rsa(_rsa1, "k1"));
        _handler = new FakeHttpMessageHandler((_, _) => Task.FromResult(FakeHttpMessageHandler.Json(_document)));
        _factory = new FakeHttpClientFactory(_handler);
    }

    [TearDown]
    public void TearDown() => _handler.Dispose();

    private JwksResolver CreateResolver() => new(_factory, new TestOptionsMonitor<DcrOptions>(_options), _time, _logger);

    private IEnumerable<int> LoggedEventIds() => _logger.Collector.GetSnapshot().Select(r => r.Id.Id);

    [Test]
    public async Task FindKeyAsync_KnownKid_ReturnsPublicKey()
    {
        // Arrange
        var resolver = CreateResolver();

        // Act
        var result = await resolver.FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.Software, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Found));
            Assert.That(result.Key!.KeyId, Is.EqualTo("k1"));
            Assert.That(result.Key.D, Is.Null);
            Assert.That(result.Key.RsaKey().ExportParameters(false).Modulus, Is.EqualTo(_rsa1.ExportParameters(false).Modulus));
            Assert.That(_factory.Names, Is.EqualTo(new[] { JwksResolver.SoftwareHttpClientName }));
            Assert.That(_handler.Requests[0].Headers.Accept.Select(a => a.MediaType), Is.EquivalentTo(new[] { "application/json", "application/jwk-set+json" }));
        });
    }

    [Test]
    public async Task FindKeyAsync_TrustAnchor_UsesTrustAnchorClient()
    {
        // Arrange
        var resolver = CreateResolver();

        // Act
        var result = await resolver.FindKeyAsync(AnchorUri, "k1", JwksSourceKind.TrustAnchor, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Found));
            Assert.That(_factory.Names, Is.EqualTo(new[] { JwksResolver.TrustAnchorHttpClientName }));
        });
    }

    [Test]
    public async Task FindKeyAsync_SecondLookupWithinCacheDuration_FetchesOnce()
    {
        // Arrange
        var resolver = CreateResolver();
        await resolver.FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.Software, CancellationToken.None);
        _time.Advance(_options.Jwks.CacheDuration - TimeSpan.FromSeconds(1));

        // Act
        var result = await resolver.FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.Software, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Found));
            Assert.That(_handler.Count, Is.EqualTo(1));
            Assert.That(LoggedEventIds(), Does.Contain(1404));
        });
    }

    [Test]
    public async Task FindKeyAsync_AfterCacheDuration_FetchesAgain()
    {
        // Arrange
        var resolver = CreateResolver();
        await resolver.FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.Software, CancellationToken.None);
        _time.Advance(_options.Jwks.CacheDuration);

        // Act
        var result = await resolver.FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.Software, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Found));
            Assert.That(_handler.Count, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task FindKeyAsync_SameUrlDifferentKind_CachedSeparately()
    {
        // Arrange
        var resolver = CreateResolver();
        await resolver.FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.TrustAnchor, CancellationToken.None);

        // Act
        await resolver.FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.Software, CancellationToken.None);

        // Assert
        Assert.That(_handler.Count, Is.EqualTo(2));
    }

    [Test]
    public async Task FindKeyAsync_UnknownKid_RefreshesOnceAndFindsRotatedKey()
    {
        // Arrange
        var resolver = CreateResolver();
        await resolver.FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.Software, CancellationToken.None);
        _time.Advance(_options.Jwks.MinRefreshInterval);
        _document = TestJwks.Set(TestJwks.Rsa(_rsa1, "k1"), TestJwks.Rsa(_rsa2, "k2"));

        // Act
        var result = await resolver.FindKeyAsync(SoftwareUri, "k2", JwksSourceKind.Software, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Found));
            Assert.That(result.Key!.KeyId, Is.EqualTo("k2"));
            Assert.That(_handler.Count, Is.EqualTo(2));
            Assert.That(LoggedEventIds(), Does.Contain(1405));
        });
    }

    [Test]
    public async Task FindKeyAsync_UnknownKidAfterRefresh_KeyNotFoundWithWarning()
    {
        // Arrange
        var resolver = CreateResolver();
        await resolver.FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.Software, CancellationToken.None);
        _time.Advance(_options.Jwks.MinRefreshInterval);

        // Act
        var result = await resolver.FindKeyAsync(SoftwareUri, "nope", JwksSourceKind.Software, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.KeyNotFound));
            Assert.That(result.Reason, Is.EqualTo(JwksReasons.KeyNotFound));
            Assert.That(_handler.Count, Is.EqualTo(2));
            Assert.That(_logger.LatestRecord.Id.Id, Is.EqualTo(1407));
            Assert.That(_logger.LatestRecord.Level, Is.EqualTo(Microsoft.Extensions.Logging.LogLevel.Warning));
        });
    }

    [Test]
    public async Task FindKeyAsync_UnknownKidsWithinMinRefreshInterval_RefreshAtMostOnce()
    {
        // Arrange
        var resolver = CreateResolver();
        await resolver.FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.Software, CancellationToken.None);
        _time.Advance(_options.Jwks.MinRefreshInterval);

        // Act
        var results = new List<JwksLookupResult>();
        for (var i = 0; i < 20; i++)
        {
            results.Add(await resolver.FindKeyAsync(SoftwareUri, $"made-up-{i}", JwksSourceKind.Software, CancellationToken.None));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(results.Select(r => r.Status), Is.All.EqualTo(JwksLookupStatus.KeyNotFound));
            Assert.That(_handler.Count, Is.EqualTo(2), "the initial fetch and one forced refresh");
            Assert.That(LoggedEventIds(), Does.Contain(1406));
        });
    }

    [Test]
    public async Task FindKeyAsync_RefreshCompletesWhileDeciding_DoesNotRefreshAgain()
    {
        // Arrange: while caller A decides to refresh, caller B forces (and completes) a refresh of the same URL.
        var resolver = new InterleavingResolver(_factory, new TestOptionsMonitor<DcrOptions>(_options), _time, _logger);
        await resolver.FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.Software, CancellationToken.None);
        _time.Advance(_options.Jwks.MinRefreshInterval);
        resolver.Interleave = () => resolver.FindKeyAsync(SoftwareUri, "b", JwksSourceKind.Software, CancellationToken.None).GetAwaiter().GetResult();

        // Act
        var result = await resolver.FindKeyAsync(SoftwareUri, "a", JwksSourceKind.Software, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.KeyNotFound));
            Assert.That(resolver.Interleaved, Is.True);
            Assert.That(_handler.Count, Is.EqualTo(2), "the initial fetch and B's refresh; A does not refresh again");
        });
    }

    [Test]
    public async Task FindKeyAsync_UnknownKidOnFirstFetch_DoesNotFetchTwice()
    {
        // Arrange
        var resolver = CreateResolver();

        // Act
        var result = await resolver.FindKeyAsync(SoftwareUri, "nope", JwksSourceKind.Software, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.KeyNotFound));
            Assert.That(_handler.Count, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task FindKeyAsync_ConcurrentLookups_ShareOneFetch()
    {
        // Arrange
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _handler.Respond = async (_, ct) =>
        {
            await release.Task.WaitAsync(ct);
            return FakeHttpMessageHandler.Json(_document);
        };
        var resolver = CreateResolver();

        // Act
        var lookups = Enumerable.Range(0, 25)
            .Select(_ => resolver.FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.Software, CancellationToken.None))
            .ToList();
        release.SetResult();
        var results = await Task.WhenAll(lookups).WaitAsync(TimeSpan.FromSeconds(10));

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(results.Select(r => r.Status), Is.All.EqualTo(JwksLookupStatus.Found));
            Assert.That(_handler.Count, Is.EqualTo(1));
            Assert.That(LoggedEventIds(), Does.Contain(1414));
        });
    }

    [Test]
    public async Task FindKeyAsync_CallerCancelsWhileOthersWait_OthersStillGetTheKey()
    {
        // Arrange
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _handler.Respond = async (_, ct) =>
        {
            await release.Task.WaitAsync(ct);
            return FakeHttpMessageHandler.Json(_document);
        };
        var resolver = CreateResolver();
        using var cts = new CancellationTokenSource();

        // Act
        var first = resolver.FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.Software, cts.Token);
        var second = resolver.FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.Software, CancellationToken.None);
        await cts.CancelAsync();
        release.SetResult();

        // Assert
        Assert.That(async () => await first, Throws.InstanceOf<OperationCanceledException>());
        var result = await second.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Found));
            Assert.That(_handler.Count, Is.EqualTo(1));
        });
    }

    [Test]
    public void FindKeyAsync_ConnectionRefused_ThrowsJwksUnavailableWithHost()
    {
        // Arrange
        _handler.Respond = (_, _) => throw new HttpRequestException("refused", new SocketException((int)SocketError.ConnectionRefused));
        var resolver = CreateResolver();

        // Act / Assert
        var ex = Assert.ThrowsAsync<JwksUnavailableException>(() => resolver.FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.Software, CancellationToken.None));
        Assert.Multiple(() =>
        {
            Assert.That(ex, Is.InstanceOf<DcrInfrastructureException>());
            Assert.That(ex!.Message, Does.Contain("keystore.example.com"));
            Assert.That(ex.Host, Is.EqualTo("keystore.example.com"));
            Assert.That(LoggedEventIds(), Does.Contain(1410));
        });
    }

    [Test]
    public async Task FindKeyAsync_Timeout_ThrowsJwksUnavailable()
    {
        // Arrange
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _handler.Respond = async (_, ct) =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        };
        var resolver = CreateResolver();

        // Act
        var lookup = resolver.FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.Software, CancellationToken.None);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        _time.Advance(_options.Jwks.Timeout);

        // Assert
        var ex = Assert.ThrowsAsync<JwksUnavailableException>(async () => await lookup.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain("timed out"));
            Assert.That(LoggedEventIds(), Does.Contain(1411));
        });
    }

    [Test]
    public async Task FindKeyAsync_CallerCancels_ThrowsOperationCanceledNotUnavailable()
    {
        // Arrange
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _handler.Respond = async (_, ct) =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        };
        var resolver = CreateResolver();
        using var cts = new CancellationTokenSource();

        // Act
        var lookup = resolver.FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.Software, cts.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cts.CancelAsync();

        // Assert
        Assert.That(async () => await lookup, Throws.InstanceOf<OperationCanceledException>());
        _time.Advance(_options.Jwks.Timeout);
    }

    [Test]
    public async Task FindKeyAsync_HostDownAfterExpiry_ServesStaleKeyWithWarning()
    {
        // Arrange
        var resolver = CreateResolver();
        await resolver.FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.Software, CancellationToken.None);
        _time.Advance(_options.Jwks.CacheDuration + TimeSpan.FromMinutes(1));
        _handler.Respond = (_, _) => throw new HttpRequestException("down", new SocketException((int)SocketError.HostUnreachable));

        // Act
        var result = await resolver.FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.Software, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Found));
            Assert.That(_handler.Count, Is.EqualTo(2));
            Assert.That(_logger.LatestRecord.Id.Id, Is.EqualTo(1412));
            Assert.That(_logger.LatestRecord.Level, Is.EqualTo(Microsoft.Extensions.Logging.LogLevel.Warning));
        });
    }

    [Test]
    public async Task FindKeyAsync_HostDownLongerThanMaxStaleness_ThrowsJwksUnavailable()
    {
        // Arrange
        var resolver = CreateResolver();
        await resolver.FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.Software, CancellationToken.None);
        _time.Advance(_options.Jwks.MaxStaleness + TimeSpan.FromMinutes(1));
        _handler.Respond = (_, _) => throw new HttpRequestException("down", new SocketException((int)SocketError.HostUnreachable));

        // Act / Assert
        Assert.ThrowsAsync<JwksUnavailableException>(() => resolver.FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.Software, CancellationToken.None));
    }

    [Test]
    public async Task FindKeyAsync_HostDownAndStaleCopyLacksKid_ThrowsJwksUnavailable()
    {
        // Arrange
        var resolver = CreateResolver();
        await resolver.FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.Software, CancellationToken.None);
        _time.Advance(_options.Jwks.CacheDuration);
        _handler.Respond = (_, _) => throw new HttpRequestException("down");

        // Act / Assert
        Assert.ThrowsAsync<JwksUnavailableException>(() => resolver.FindKeyAsync(SoftwareUri, "k2", JwksSourceKind.Software, CancellationToken.None));
    }

    [Test]
    public async Task FindKeyAsync_MoreUrlsThanMaxCachedEntries_EvictsOldest()
    {
        // Arrange
        _options.Jwks.MaxCachedEntries = 2;
        var resolver = CreateResolver();
        var a = new Uri("https://a.example.com/jwks");
        var b = new Uri("https://b.example.com/jwks");
        var c = new Uri("https://c.example.com/jwks");
        await resolver.FindKeyAsync(a, "k1", JwksSourceKind.Software, CancellationToken.None);
        await resolver.FindKeyAsync(b, "k1", JwksSourceKind.Software, CancellationToken.None);
        await resolver.FindKeyAsync(c, "k1", JwksSourceKind.Software, CancellationToken.None);

        // Act
        await resolver.FindKeyAsync(c, "k1", JwksSourceKind.Software, CancellationToken.None);
        await resolver.FindKeyAsync(b, "k1", JwksSourceKind.Software, CancellationToken.None);
        await resolver.FindKeyAsync(a, "k1", JwksSourceKind.Software, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(_handler.Count, Is.EqualTo(4), "a, b, c, then a again after its eviction");
            Assert.That(LoggedEventIds(), Does.Contain(1413));
        });
    }

    [Test]
    public async Task FindKeyAsync_NonSuccessStatus_InvalidWithoutException()
    {
        // Arrange
        _handler.Respond = (_, _) => Task.FromResult(FakeHttpMessageHandler.Json("{}", HttpStatusCode.NotFound));
        var resolver = CreateResolver();

        // Act
        var result = await resolver.FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.Software, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Invalid));
            Assert.That(result.Reason, Is.EqualTo("The JWKS endpoint answered HTTP 404."));
            Assert.That(LoggedEventIds(), Does.Contain(1409));
        });
    }

    [Test]
    public async Task FindKeyAsync_Redirect_InvalidAndNotFollowed()
    {
        // Arrange
        _handler.Respond = (_, _) =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.Found);
            response.Headers.Location = new Uri("http://169.254.169.254/latest/meta-data/");
            return Task.FromResult(response);
        };
        var resolver = CreateResolver();

        // Act
        var result = await resolver.FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.Software, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Invalid));
            Assert.That(result.Reason, Does.Contain("redirect"));
            Assert.That(_handler.Count, Is.EqualTo(1));
        });
    }

    /// <summary>Runs <see cref="Interleave"/> once, inside the first cache-miss <see cref="SelectKey"/>.</summary>
    private sealed class InterleavingResolver(IHttpClientFactory factory, Microsoft.Extensions.Options.IOptionsMonitor<DcrOptions> options, TimeProvider time, FakeLogger<JwksResolver> logger)
        : JwksResolver(factory, options, time, logger)
    {
        public Action? Interleave { get; set; }

        public bool Interleaved { get; private set; }

        protected override Jose.Jwk? SelectKey(IReadOnlyList<Jose.Jwk> keys, string? keyId, string? algorithm)
        {
            var key = base.SelectKey(keys, keyId, algorithm);
            if (key is null && Interleave is { } interleave)
            {
                Interleave = null;
                Interleaved = true;
                interleave();
            }

            return key;
        }
    }
}
