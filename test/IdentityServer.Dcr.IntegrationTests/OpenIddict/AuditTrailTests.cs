// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Security.Cryptography;
using IdentityServer.Dcr.Auditing;
using IdentityServer.Dcr.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Dcr.IntegrationTests.OpenIddict;

/// <summary>
/// The audit trail over a real bank (OpenIddict, Kestrel with mutual TLS, PostgreSQL): a registration, a refused
/// attempt, an update and a delete, each recorded with the TPP's identifiers and its transport certificate.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class AuditTrailTests
{
    private OpenIddictBank _bank = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _bank = await OpenIddictBank.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _bank.DisposeAsync();

    [Test]
    public async Task Lifecycle_EveryOperationAndTheRefusal_RecordedWithTheTransportCertificate()
    {
        // Arrange
        var environment = _bank.Environment;
        var tpp = environment.NewTpp();
        var thumbprint = tpp.TransportCertificate!.GetCertHashString(HashAlgorithmName.SHA256);

        // Act: a refused attempt (a request JWS the SSA's software did not sign), then the lifecycle.
        using (var refused = await environment.PostAsync(tpp.TransportCertificate, environment.SignedRequest(tpp, c => c["iss"] = "another-software")))
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }

        var clientId = await _bank.RegisterAsync(tpp);
        var token = await _bank.AccessTokenAsync(tpp, clientId);
        using (var update = await environment.SendAsync(HttpMethod.Put, _bank.RegistrationUri(clientId), tpp.TransportCertificate, token, environment.SignedRequest(tpp, c => c["scope"] = "openid accounts")))
        {
            Assert.That(update.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        using (var delete = await environment.SendAsync(HttpMethod.Delete, _bank.RegistrationUri(clientId), tpp.TransportCertificate, token))
        {
            Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }

        // Assert
        var audit = environment.Host.Services.GetRequiredService<IDcrAuditStore>();
        var entries = await audit.FindAsync(new DcrAuditQuery { SoftwareId = tpp.SoftwareId }, CancellationToken.None);
        Assert.That(entries.Select(e => (e.Operation, e.Outcome)), Is.EqualTo(new[]
        {
            ("delete", "success"),
            ("update", "success"),
            ("create", "success"),
            ("create", "rejected"),
        }));
        Assert.Multiple(() =>
        {
            Assert.That(entries.Select(e => e.CertificateThumbprint), Is.All.EqualTo(thumbprint));
            Assert.That(entries.Select(e => e.OrganisationId), Is.All.EqualTo(tpp.OrganisationId));
            Assert.That(entries[3].ErrorCode, Is.Not.Null.And.Not.Empty);
            Assert.That(entries[3].ClientId, Is.Null);
            Assert.That(entries.Take(3).Select(e => e.ClientId), Is.All.EqualTo(clientId));
            Assert.That(entries[2].RequestJti, Is.Not.Null);
        });
    }
}
