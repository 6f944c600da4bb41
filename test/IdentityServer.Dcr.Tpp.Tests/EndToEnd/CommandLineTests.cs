// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Tpp.Cli;
using IdentityServer.Dcr.Tpp.Keys;
using IdentityServer.Dcr.Tpp.State;
using IdentityServer.Dcr.Tpp.Tests.TestDoubles;
using IdentityServer.Dcr.Testing.PostgreSql;

namespace IdentityServer.Dcr.Tpp.Tests.EndToEnd;

/// <summary>The obie-tpp command line, parsed and run in-process, against the in-process demo host or none.</summary>
[TestFixture]
[Category("Integration")]
public sealed class CommandLineTests : DemoHostFixture
{
    private readonly List<TempDirectory> _directories = [];
    [OneTimeTearDown]
    public void DeleteDirectories() => _directories.ForEach(d => d.Dispose());

    [Test]
    public async Task InitEnrolRegister_Verbose_SucceedsAndNeverPrintsPrivateKeys()
    {
        // Arrange
        using var directory = new TempDirectory();
        var dir = directory.Path;

        // Act
        var init = await RunAsync("init", "--dir", dir, "--software-id", "CliTest0001", "--org-id", "0015800001CliTest1");
        var enrol = await RunAsync("sandbox", "enrol", "--dir", dir, "--bank", Host.Url, "--insecure", "--verbose");
        var register = await RunAsync("register", "--dir", dir, "--insecure", "--verbose", "--audience", InProcessDemoHost.AcceptedAudience);

        // Assert
        var store = new StateStore(dir);
        var state = store.Load();
        var verbose = enrol.Error + register.Error;
        Assert.Multiple(() =>
        {
            Assert.That((init.Code, enrol.Code, register.Code), Is.EqualTo((0, 0, 0)), enrol.Error + register.Error);
            Assert.That(state.SoftwareId, Is.EqualTo("CliTest0001"));
            Assert.That(state.ClientId, Is.Not.Null);
            Assert.That(register.Output, Does.Contain("201 Created").And.Contain(state.ClientId));
            Assert.That(verbose, Does.Contain($"> POST {Host.Url}/register"));
            Assert.That(verbose, Does.Contain("< 201 Created"));
            Assert.That(verbose, Does.Contain("> Content-Type: application/jose"));
            Assert.That(verbose, Does.Contain("\"private_key_pem\": \"[redacted]\""), "the sandbox's answer with the transport key");
            foreach (var keyFile in new[] { StateStore.TransportKeyFileName, StateStore.SigningKeyFileName })
            {
                var secretLine = File.ReadAllLines(store.Resolve(keyFile))[2];
                Assert.That(verbose, Does.Not.Contain(secretLine), keyFile);
            }
        });
        if (!OperatingSystem.IsWindows())
        {
            foreach (var file in new[] { StateStore.StateFileName, StateStore.SigningKeyFileName, StateStore.TransportKeyFileName })
            {
                Assert.That(File.GetUnixFileMode(store.Resolve(file)), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite), file);
            }
        }
    }

    [Test]
    public async Task Token_EndpointMissing_ExitsOneWithOneLineCause()
    {
        // Arrange
        var dir = await RegisteredAsync();

        // Act
        var token = await RunAsync("token", "--dir", dir, "--insecure", "--token-endpoint", Host.Url + "/no-such-token-endpoint");

        // Assert
        AssertCleanFailure(token, $"the token request failed: POST {Host.Url}/no-such-token-endpoint answered 404 Not Found: the bank does not provide this endpoint");
    }

    [Test]
    public async Task Token_NoDiscoveryDocument_AsksForTokenEndpoint()
    {
        // Arrange: no saved token endpoint, and a bank URL that publishes no discovery document.
        var dir = await RegisteredAsync();
        var store = new StateStore(dir);
        var state = store.Load();
        state.TokenEndpoint = null;
        store.Save(state);

        // Act
        var token = await RunAsync("token", "--dir", dir, "--insecure", "--bank", Host.Url + "/sandbox");

        // Assert
        AssertCleanFailure(token, "no token endpoint");
    }

    [TestCase("get", "GET")]
    [TestCase("update", "PUT")]
    [TestCase("delete", "DELETE")]
    public async Task Management_EndpointMissing_ExitsOneWithOneLineCause(string verb, string method)
    {
        // Arrange: a saved (fake) access token, so that the command goes straight to the client URL.
        var dir = await RegisteredAsync();
        var store = new StateStore(dir);
        var state = store.Load();
        state.AccessToken = "fake-access-token-for-the-test";
        store.Save(state);

        // Act
        var result = await RunAsync(verb, "--dir", dir, "--insecure", "--registration-endpoint", Host.Url + "/no-such-register");

        // Assert
        AssertCleanFailure(result, $"{method} {Host.Url}/no-such-register/{state.ClientId} answered 404 Not Found: the bank does not provide this endpoint");
    }

    [Test]
    public async Task Register_HostStopped_ExitsOneCannotReach()
    {
        // Arrange: a complete state, and a port nobody listens on.
        using var directory = new TempDirectory();
        await WriteOfflineStateAsync(directory.Path);
        var port = LoopbackPort.Free();

        // Act
        var register = await RunAsync("register", "--dir", directory.Path, "--insecure", "--bank", $"https://127.0.0.1:{port}");

        // Assert
        AssertCleanFailure(register, $"cannot reach https://127.0.0.1:{port}");
    }

    [Test]
    public async Task Register_NoState_ExitsOneAskingForInit()
    {
        // Arrange
        using var directory = new TempDirectory();

        // Act
        var register = await RunAsync("register", "--dir", Path.Combine(directory.Path, "missing"));

        // Assert
        AssertCleanFailure(register, "run 'obie-tpp init' first");
    }

    [Test]
    public async Task Init_Twice_RefusesWithoutForce()
    {
        // Arrange
        using var directory = new TempDirectory();
        await RunAsync("init", "--dir", directory.Path);

        // Act
        var again = await RunAsync("init", "--dir", directory.Path);
        var forced = await RunAsync("init", "--dir", directory.Path, "--force", "--alg", "ES256");

        // Assert
        AssertCleanFailure(again, "already initialised");
        Assert.That(forced.Code, Is.Zero);
    }

    private static void AssertCleanFailure((int Code, string Output, string Error) result, string expected)
    {
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("warning:", StringComparison.Ordinal)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(result.Code, Is.EqualTo(1));
            Assert.That(lines, Has.Count.EqualTo(1), result.Error);
            Assert.That(lines.FirstOrDefault(), Does.StartWith("error: ").And.Contain(expected));
            Assert.That(result.Error + result.Output, Does.Not.Contain("   at "), "no stack trace");
        });
    }

    private async Task<string> RegisteredAsync()
    {
        var directory = new TempDirectory();
        _directories.Add(directory);
        var dir = directory.Path;
        Assert.That((await RunAsync("init", "--dir", dir)).Code, Is.Zero);
        Assert.That((await RunAsync("sandbox", "enrol", "--dir", dir, "--bank", Host.Url, "--insecure")).Code, Is.Zero);
        var register = await RunAsync("register", "--dir", dir, "--insecure", "--audience", InProcessDemoHost.AcceptedAudience);
        Assert.That(register.Code, Is.Zero, register.Error);
        return dir;
    }

    /// <summary>init, then an SSA and a self-signed transport certificate written straight into the state.</summary>
    private static async Task WriteOfflineStateAsync(string dir)
    {
        Assert.That((await RunAsync("init", "--dir", dir, "--software-id", "Offline0001")).Code, Is.Zero);
        var store = new StateStore(dir);
        var state = store.Load();
        using var directoryKey = SoftwareKey.Create("PS256");
        state.SoftwareStatement = directoryKey.Sign(new JsonObject
        {
            ["iss"] = "Test Directory",
            ["software_id"] = "Offline0001",
            ["org_id"] = state.OrganisationId,
            ["software_redirect_uris"] = new JsonArray("https://tpp.example.com/callback"),
            ["software_roles"] = new JsonArray("AISP"),
        });
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN=Offline0001, OU={state.OrganisationId}, O=OpenBanking, C=GB", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        store.WritePrivateFile(StateStore.TransportCertificateFileName, certificate.ExportCertificatePem());
        store.WritePrivateFile(StateStore.TransportKeyFileName, rsa.ExportPkcs8PrivateKeyPem());
        state.TransportCertificateFile = StateStore.TransportCertificateFileName;
        state.TransportKeyFile = StateStore.TransportKeyFileName;
        store.Save(state);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await TppCommandLine.InvokeAsync(args, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
