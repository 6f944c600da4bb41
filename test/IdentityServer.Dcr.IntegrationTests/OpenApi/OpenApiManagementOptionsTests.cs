// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json.Nodes;
using IdentityServer.Dcr.AspNetCore.Management;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using IdentityServer.Dcr.Testing.Lifecycle;

namespace IdentityServer.Dcr.IntegrationTests.OpenApi;

/// <summary>
/// A management operation that answers 405 (turned off in <see cref="ManagementOptions"/>, the POST read from 3.4 on, or
/// no authorization server plug-in to validate tokens) is left out of the OpenAPI document, as discovery leaves it out.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class OpenApiManagementOptionsTests
{
    [Test]
    public async Task Document_WithoutTokenValidator_HasRegistrationOnly()
    {
        // Act
        var operations = await OperationsAsync(_ => { }, withTokenValidator: false);

        // Assert
        Assert.That(operations, Is.EquivalentTo(new[] { "post /register" }));
    }

    [Test]
    public async Task Document_UpdateDeleteAndLegacyReadTurnedOff_HasRegistrationAndRead()
    {
        // Act
        var operations = await OperationsAsync(options =>
        {
            options.SpecVersion = DcrSpecVersion.Version33;
            options.Management.EnableUpdate = false;
            options.Management.EnableDelete = false;
            options.Management.EnableLegacyPostRead = false;
        });

        // Assert
        Assert.That(operations, Is.EquivalentTo(new[] { "post /register", "get /register/{ClientId}" }));
    }

    [TestCase(DcrSpecVersion.Version33, true)]
    [TestCase(DcrSpecVersion.Version34, false)]
    public async Task Document_LegacyPostRead_OnlyBefore34(DcrSpecVersion version, bool described)
    {
        // Act
        var operations = await OperationsAsync(options => options.SpecVersion = version);

        // Assert
        Assert.That(operations.Contains("post /register/{ClientId}"), Is.EqualTo(described));
    }

    private static async Task<List<string>> OperationsAsync(Action<DcrOptions> configure, bool withTokenValidator = true)
    {
        var file = Path.Combine(Path.GetTempPath(), $"dcr-openapi-{Guid.NewGuid():N}.db");
        var tokens = new FakeAccessTokens();
        var environment = await TestEnvironment.StartWithEngineAsync(
            configure,
            sqliteConnectionString: $"Data Source={file}",
            configureServices: (services, _) =>
            {
                if (withTokenValidator)
                {
                    services.AddSingleton<IRegistrationAccessTokenValidator>(tokens);
                }

                services.AddOpenApi("dcr");
            },
            configureApp: app =>
            {
                app.MapOpenApi();
                return Task.CompletedTask;
            });
        try
        {
            using var client = environment.Client(null);
            var document = JsonNode.Parse(await client.GetStringAsync(new Uri(environment.Host.BaseAddress, "/openapi/dcr.json")))!;
            return document["paths"]!.AsObject()
                .SelectMany(path => path.Value!.AsObject().Select(operation => $"{operation.Key} {path.Key}"))
                .ToList();
        }
        finally
        {
            await environment.DisposeAsync();
            SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }
}
