// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Testing.PostgreSql;
using IdentityServer.Dcr.Testing.Lifecycle;

namespace IdentityServer.Dcr.IntegrationTests.Registration;

/// <summary>Infrastructure faults give a clean 503 and the service recovers by itself.</summary>
[TestFixture]
[Category("Integration")]
public sealed class DependencyOutageTests
{
    [Test]
    public async Task Post_JwksHostDown_Returns503ThenRecoversWhenItIsBack()
    {
        // Arrange
        await using var environment = await TestEnvironment.StartWithEngineAsync();
        var tpp = environment.NewTpp();
        await environment.Documents.StopAsync();

        // Act
        using var during = await environment.PostAsync(tpp.TransportCertificate, environment.SignedRequest(tpp));
        await environment.Documents.StartAsync();
        using var after = await environment.PostAsync(tpp.TransportCertificate, environment.SignedRequest(tpp));

        // Assert
        var body = JsonNode.Parse(await during.Content.ReadAsStringAsync())!;
        Assert.Multiple(async () =>
        {
            Assert.That(during.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(during.Headers.RetryAfter, Is.Not.Null);
            Assert.That(body["error"]?.GetValue<string>(), Is.EqualTo("temporarily_unavailable"));
            Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.Created), await after.Content.ReadAsStringAsync());
            Assert.That(await environment.CountRegistrationsAsync(tpp.SoftwareId), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Post_DatabaseUnreachable_Returns503()
    {
        // Arrange: a connection string to a port nothing listens on.
        var port = LoopbackPort.Free();
        var unreachable = $"Host=127.0.0.1;Port={port};Database=dcr;Username=dcr;Password=dcr;Timeout=2";
        await using var environment = await TestEnvironment.StartWithEngineAsync(connectionString: unreachable, migrate: false);
        var tpp = environment.NewTpp();

        // Act
        using var response = await environment.PostAsync(tpp.TransportCertificate, environment.SignedRequest(tpp));

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), await response.Content.ReadAsStringAsync());
            Assert.That(response.Headers.RetryAfter, Is.Not.Null);
        });
    }
}
