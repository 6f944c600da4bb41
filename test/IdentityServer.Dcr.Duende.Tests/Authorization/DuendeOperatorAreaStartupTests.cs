// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Testing.Lifecycle;
using Microsoft.Extensions.Hosting;

namespace IdentityServer.Dcr.Duende.Tests.Authorization;

/// <summary>
/// The Duende demo bank outside Development with the operator area switched on and no <c>DcrOperator</c> policy of the
/// bank's: it refuses to start, naming the setting, before it touches the database (the sandbox sign-in, which the
/// configuration also asks for, exists only in Development).
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class DuendeOperatorAreaStartupTests
{
    [Test]
    public async Task OutsideDevelopment_EnabledWithoutThePolicy_RefusesToStartNamingTheSetting()
    {
        // Arrange
        await using var environment = await TestEnvironment.StartAsync();
        var overrides = new Dictionary<string, string?> { ["Operator:Enabled"] = "true", ["Operator:SandboxSignIn"] = "true" };

        // Act
        var refusal = Assert.ThrowsAsync<InvalidOperationException>(() => InProcessDuendeDemoHost.StartAsync(environment, overrides, Environments.Production));

        // Assert
        Assert.That(refusal!.Message, Does.Contain("Operator:Enabled").And.Contain("'DcrOperator'"));
    }
}
