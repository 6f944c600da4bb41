// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Reflection;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.AspNetCore.Management;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.EntityFramework.Stores;
using IdentityServer.Dcr.IntegrationTests.Infrastructure;
using IdentityServer.Dcr.Stores;
using IdentityServer.Dcr.Testing;
using IdentityServer.Dcr.Testing.Lifecycle;
using IdentityServer.Dcr.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.IntegrationTests.Registration;

/// <summary>
/// A management call reads the registration once and builds the connection certificate's chain once, on the real
/// PostgreSQL store over mutual TLS: the endpoint's own read (which checks the caller's token and certificate against
/// the registration) is what <c>GET</c> answers from and what <c>PUT</c> updates, and the update's certificate check
/// reuses the endpoint's verdict for the same certificate object.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class ManagementReadsTests
{
    private readonly FakeAccessTokens _tokens = new();
    private readonly Counters _counters = new();
    private TestEnvironment _environment = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _environment = await TestEnvironment.StartWithEngineAsync(configureServices: (services, _) =>
    {
        services.AddSingleton<IRegistrationAccessTokenValidator>(_tokens);
        services.AddSingleton<IClientTokenRevoker>(_tokens);
        services.AddSingleton(CountingStore.Wrap(_counters));
        services.AddSingleton<ITransportCertificateValidator>(sp => new CountingValidator(
            sp.GetRequiredService<IOptionsMonitor<DcrOptions>>(), TimeProvider.System, sp.GetRequiredService<ILogger<TransportCertificateValidator>>(), _counters));
    });

    [OneTimeTearDown]
    public async Task StopAsync() => await _environment.DisposeAsync();

    [Test]
    public async Task Get_ReadsTheRegistrationOnce_AndBuildsOneChain()
    {
        // Arrange
        var (tpp, clientId, uri) = await RegisterAsync();
        _counters.Reset();

        // Act: a new connection, so a new certificate object on the server.
        using var response = await _environment.SendAsync(HttpMethod.Get, uri, tpp.TransportCertificate, FakeAccessTokens.For(clientId));

        // Assert
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
            Assert.That(body["client_id"]!.GetValue<string>(), Is.EqualTo(clientId));
            Assert.That(_counters.Reads, Is.EqualTo(1), "registration reads");
            Assert.That(_counters.ChainBuilds, Is.EqualTo(1), "chain builds");
        });
    }

    [Test]
    public async Task Put_ReadsTheRegistrationOnce_AndBuildsOneChain()
    {
        // Arrange
        var (tpp, clientId, uri) = await RegisterAsync();
        var request = _environment.SignedRequest(tpp, c => c["scope"] = "openid accounts");
        _counters.Reset();

        // Act
        using var response = await _environment.SendAsync(HttpMethod.Put, uri, tpp.TransportCertificate, FakeAccessTokens.For(clientId), request);

        // Assert: the update itself still happened, on the registration read once.
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
            Assert.That(body["scope"]!.GetValue<string>(), Is.EqualTo("openid accounts"));
            Assert.That(_counters.Reads, Is.EqualTo(1), "registration reads");
            Assert.That(_counters.ChainBuilds, Is.EqualTo(1), "chain builds");
        });
    }

    [Test]
    public async Task Put_AfterAnUpdateBetweenTheReadAndTheWrite_AppliesOnTopOfIt()
    {
        // Arrange: the registration is read by the endpoint, then changed by another caller before the update's write.
        var (tpp, clientId, uri) = await RegisterAsync();
        var request = _environment.SignedRequest(tpp, c => c["scope"] = "openid accounts");
        var store = _environment.Host.Services.GetRequiredService<IClientRegistrationStore>();
        _counters.BeforeUpdateWrite = async () =>
        {
            _counters.BeforeUpdateWrite = null;
            var current = (await store.FindByClientIdAsync(clientId, CancellationToken.None))!;
            Assert.That(await store.SetDisabledAsync(clientId, false, CancellationToken.None), Is.EqualTo(StoreWriteResult.Success));
            Assert.That((await store.FindByClientIdAsync(clientId, CancellationToken.None))!.ConcurrencyStamp, Is.Not.EqualTo(current.ConcurrencyStamp));
        };

        // Act
        using var response = await _environment.SendAsync(HttpMethod.Put, uri, tpp.TransportCertificate, FakeAccessTokens.For(clientId), request);

        // Assert: the stale read is caught by the concurrency stamp and the update applied to the newer registration.
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
            Assert.That(_counters.BeforeUpdateWrite, Is.Null, "the concurrent change ran");
            Assert.That((await store.FindByClientIdAsync(clientId, CancellationToken.None))!.Metadata.Scope, Is.EqualTo("openid accounts"));
        });
    }

    private Task<(TestTpp Tpp, string ClientId, Uri ManagementUri)> RegisterAsync() => _environment.RegisterNewTppAsync();

    private sealed class Counters
    {
        private int _reads;
        private int _chainBuilds;

        public int Reads => Volatile.Read(ref _reads);

        public int ChainBuilds => Volatile.Read(ref _chainBuilds);

        public Func<Task>? BeforeUpdateWrite { get; set; }

        public void Read() => Interlocked.Increment(ref _reads);

        public void ChainBuilt() => Interlocked.Increment(ref _chainBuilds);

        public void Reset()
        {
            Volatile.Write(ref _reads, 0);
            Volatile.Write(ref _chainBuilds, 0);
        }
    }

    /// <summary>The PostgreSQL store, counting <see cref="IClientRegistrationStore.FindByClientIdAsync"/>.</summary>
#pragma warning disable CA1852 // DispatchProxy derives a type from it at run time: it must not be sealed.
    private class CountingStore : DispatchProxy
#pragma warning restore CA1852
    {
        private EntityFrameworkClientRegistrationStore _inner = null!;
        private Counters _counters = null!;

        public static Func<IServiceProvider, IClientRegistrationStore> Wrap(Counters counters) => sp =>
        {
            var proxy = Create<IClientRegistrationStore, CountingStore>();
            var counting = (CountingStore)(object)proxy;
            counting._inner = sp.GetRequiredService<EntityFrameworkClientRegistrationStore>();
            counting._counters = counters;
            return proxy;
        };

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            if (targetMethod.Name == nameof(IClientRegistrationStore.FindByClientIdAsync))
            {
                _counters.Read();
            }

            if (targetMethod.Name == nameof(IClientRegistrationStore.UpdateAsync) && _counters.BeforeUpdateWrite is { } before)
            {
                return RunAfter(before, targetMethod, args);
            }

            return targetMethod.Invoke(_inner, args);
        }

        private async Task<StoreWriteResult> RunAfter(Func<Task> before, MethodInfo targetMethod, object?[]? args)
        {
            await before();
            return await (Task<StoreWriteResult>)targetMethod.Invoke(_inner, args)!;
        }
    }

    private sealed class CountingValidator(IOptionsMonitor<DcrOptions> options, TimeProvider time, ILogger<TransportCertificateValidator> logger, Counters counters)
        : TransportCertificateValidator(options, time, logger)
    {
        protected override DcrStepResult ValidateChain(X509Certificate2 certificate, TransportOptions options)
        {
            counters.ChainBuilt();
            return base.ValidateChain(certificate, options);
        }
    }
}
