// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Jwks;
using IdentityServer.Dcr.Registration;
using IdentityServer.Dcr.Stores;
using IdentityServer.Dcr.Testing;
using IdentityServer.Dcr.UnitTests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IdentityServer.Dcr.UnitTests.Registration;

/// <summary>
/// Builds the whole engine through <c>AddDcr</c> with an in-memory store and JWKS resolver, a test directory, a test
/// CA and a TPP, so that each test changes one thing of an otherwise valid request.
/// </summary>
internal sealed class RegistrationServiceFixture : IDisposable
{
    public const string Audience = "0015800001ZEZ3HAA3";
    public const string TppJwksUri = "https://keystore.example.com/tpp.jwks";

    private readonly ServiceProvider _provider;

    // Keys and certificates are expensive to make (RSA key generation): one set serves every test, since each test
    // gets its own engine and store. Tests that need other keys make their own.
    private static readonly Lazy<SharedKeys> Shared = new(() => new SharedKeys());

    public RegistrationServiceFixture(Action<DcrOptions>? configure = null, TestSigningKey? tppKey = null, Action<IServiceCollection>? configureServices = null)
    {
        var shared = Shared.Value;
        Pki = shared.Pki;
        Directory = shared.Directory;
        Tpp = tppKey is null ? shared.Tpp : new TestTpp(TppJwksUri, tppKey, shared.Tpp.SoftwareId, shared.Tpp.OrganisationId);
        _ownsTpp = tppKey is not null;
        if (_ownsTpp)
        {
            Tpp.TransportCertificate = shared.Tpp.TransportCertificate;
        }

        Jwks.Serve(TppJwksUri, Tpp.Jwks);

        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton<IJwksResolver>(Jwks);
        configureServices?.Invoke(services);
        services.AddDcr(options =>
        {
            options.SoftwareStatement.TrustAnchors.Add(new TrustAnchorOptions { Issuer = Directory.Issuer, Jwks = Directory.Jwks });
            options.RequestObject.AcceptedAudiences.Add(Audience);
            options.Transport.TrustedRoots.Add(Pki.RootCertificate);
            options.Transport.RevocationMode = X509RevocationMode.NoCheck; // The test CA publishes no CRL; RevocationLifecycleTests check revocation.
            configure?.Invoke(options);
        }).AddInMemoryClientStore();
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public InMemoryJwksResolver Jwks { get; } = new();

    public TestPki Pki { get; }

    public TestDirectory Directory { get; }

    public TestTpp Tpp { get; }

    public InMemoryClientRegistrationStore Store => (InMemoryClientRegistrationStore)_provider.GetRequiredService<IClientRegistrationStore>();

    public IRegistrationService Service => _provider.GetRequiredService<IRegistrationService>();

    /// <summary>The engine's services, for stages used outside registration (client authentication, for example).</summary>
    public IServiceProvider Services => _provider;

    /// <summary>A valid request's claims, after the SSA claims and then the request claims are modified.</summary>
    public JsonObject Claims(Action<JsonObject>? modifySsa = null, Action<JsonObject>? modifyRequest = null)
    {
        var ssa = Directory.IssueSoftwareStatement(Tpp, modifySsa);
        var claims = Tpp.RegistrationClaims(ssa, Audience);
        modifyRequest?.Invoke(claims);
        return claims;
    }

    public Task<DcrResult<JsonObject>> RegisterAsync(string body, string contentType = "application/jose", X509Certificate2? certificate = null, bool noCertificate = false)
        => Service.RegisterAsync(new DcrRequest(contentType, Encoding.UTF8.GetBytes(body), noCertificate ? null : certificate ?? Tpp.TransportCertificate), CancellationToken.None);

    public Task<DcrResult<JsonObject>> RegisterAsync(Action<JsonObject>? modifySsa = null, Action<JsonObject>? modifyRequest = null)
        => RegisterAsync(Tpp.Sign(Claims(modifySsa, modifyRequest)));

    public void Dispose()
    {
        _provider.Dispose();
        if (_ownsTpp)
        {
            Tpp.SigningKey.Dispose();
        }
    }

    private readonly bool _ownsTpp;

    private sealed class SharedKeys
    {
        public SharedKeys()
        {
            Pki = new TestPki();
            Directory = new TestDirectory();
            Tpp = new TestTpp(TppJwksUri);
            Tpp.TransportCertificate = Pki.IssueClientCertificate(Tpp.LegacyTransportSubject());
        }

        public TestPki Pki { get; }

        public TestDirectory Directory { get; }

        public TestTpp Tpp { get; }
    }
}
