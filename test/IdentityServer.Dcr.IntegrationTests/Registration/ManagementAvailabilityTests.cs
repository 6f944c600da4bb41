// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using IdentityServer.Dcr.AspNetCore.Management;
using IdentityServer.Dcr.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using IdentityServer.Dcr.Testing.Lifecycle;

namespace IdentityServer.Dcr.IntegrationTests.Registration;

/// <summary>Management operations the bank switched off, or that no authorization server backs, answer 405.</summary>
[TestFixture]
[Category("Integration")]
public sealed class ManagementAvailabilityTests
{
    [Test]
    public async Task Delete_WhenDisabled_Returns405AndKeepsTheClient()
    {
        // Arrange
        var tokens = new FakeAccessTokens();
        await using var environment = await TestEnvironment.StartWithEngineAsync(
            o => o.Management.EnableDelete = false,
            configureServices: (s, _) => s.AddSingleton<IRegistrationAccessTokenValidator>(tokens));
        var tpp = environment.NewTpp();
        using var created = await environment.PostAsync(tpp.TransportCertificate, environment.SignedRequest(tpp));
        var clientId = System.Text.Json.Nodes.JsonNode.Parse(await created.Content.ReadAsStringAsync())!["client_id"]!.GetValue<string>();
        var uri = new Uri(environment.Host.RegistrationEndpoint + "/" + clientId);

        // Act
        using var response = await environment.SendAsync(HttpMethod.Delete, uri, tpp.TransportCertificate, FakeAccessTokens.For(clientId));

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
            Assert.That(response.Content.Headers.Allow, Is.EquivalentTo(new[] { "GET", "POST", "PUT" }));
            Assert.That(await environment.CountRegistrationsAsync(tpp.SoftwareId), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Get_WithoutTokenValidator_Returns405()
    {
        // Arrange
        await using var environment = await TestEnvironment.StartWithEngineAsync();
        var uri = new Uri(environment.Host.RegistrationEndpoint + "/" + Guid.NewGuid());

        // Act
        using var response = await environment.SendAsync(HttpMethod.Get, uri, null, "anything");

        // Assert
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
    }
}
