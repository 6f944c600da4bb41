// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using IdentityServer.Dcr.Testing;
using IdentityServer.Dcr.Testing.Lifecycle;
using IdentityServer.Dcr.Testing.PostgreSql;
using NUnit.Framework.Interfaces;

namespace IdentityServer.Dcr.IntegrationTests.Packaging;

/// <summary>
/// The packages a bank takes, taken as a bank takes them: the libraries are packed (<see cref="PackedLibraries"/>), a
/// fresh web project outside the repository references them from that folder only (<see cref="PackageConsumer"/>),
/// wires the engine as the documented minimal host does, runs as its own process on Kestrel over mutual TLS, and a TPP
/// registers against it for real. Everything lives in one temporary directory, deleted when the tests pass.
/// </summary>
[TestFixture]
[Category("Integration")]
[Category("Packaging")]
// The fresh project's restore and build take both cores for a while: not beside the other fixtures of this assembly.
[NonParallelizable]
public sealed class PackedPackagesTests
{
    private string _work = null!;
    private PackedLibraries _packages = null!;

    [OneTimeSetUp]
    public async Task PackAsync()
    {
        _work = Path.Combine(Path.GetTempPath(), "dcr-packed-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_work);
        _packages = await PackedLibraries.PackAsync(Path.Combine(_work, "packages"));
    }

    [OneTimeTearDown]
    public void DeleteWorkDirectory()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == TestStatus.Passed)
        {
            Directory.Delete(_work, recursive: true);
        }
        else
        {
            TestContext.Out.WriteLine($"Kept for inspection: {_work}");
        }
    }

    [Test]
    public void EveryLibrary_IsPackedWithItsMetadataReadmeAndSymbols()
    {
        foreach (var id in PackedLibraries.Projects)
        {
            using var package = ZipFile.OpenRead(_packages.PackagePath(id));
            var metadata = Nuspec(package);
            string? Value(string name) => metadata.Element(metadata.Name.Namespace + name)?.Value;
            var license = metadata.Element(metadata.Name.Namespace + "license");
            var repository = metadata.Element(metadata.Name.Namespace + "repository");

            using var symbols = ZipFile.OpenRead(_packages.SymbolPackagePath(id));
            var assembly = Read(package, $"lib/net10.0/{id}.dll");
            var pdb = Read(symbols, $"lib/net10.0/{id}.pdb");

            Assert.Multiple(() =>
            {
                Assert.That(Value("id"), Is.EqualTo(id));
                Assert.That(Value("version"), Is.EqualTo(_packages.Version));
                Assert.That(Value("description"), Is.Not.Empty, id);
                Assert.That(Value("tags")?.Split(' '), Does.Contain("openbanking"), id);
                Assert.That(license?.Attribute("type")?.Value, Is.EqualTo("expression"), id);
                Assert.That(license?.Value, Is.EqualTo("Apache-2.0"), id);
                Assert.That(Value("projectUrl"), Does.StartWith("https://"), id);
                Assert.That(repository?.Attribute("type")?.Value, Is.EqualTo("git"), id);
                Assert.That(repository?.Attribute("url")?.Value, Does.StartWith("https://"), id);
                Assert.That(Value("readme"), Is.EqualTo("README.md"), id);
                Assert.That(package.GetEntry("README.md"), Is.Not.Null, id + ": the README is packed");
                Assert.That(package.GetEntry($"lib/net10.0/{id}.xml"), Is.Not.Null, id + ": the XML documentation is packed");
                Assert.That(package.Entries.Select(e => e.FullName), Has.None.EndsWith(".pdb"), id + ": symbols go to the .snupkg");
                Assert.That(SymbolsMatch(assembly, pdb), Is.True, id + ": the .snupkg holds the portable PDB of the packed assembly");
            });
        }
    }

    [Test]
    public async Task FreshWebProjectOnThePackages_RegistersATppOverMutualTls()
    {
        // Arrange: the bank's side. A directory (SSA issuer) whose keys the bank pins, a test CA for transport
        // certificates and TLS, an HTTPS host for the TPP's JWKS, and a database.
        using var pki = new TestPki();
        using var directory = new TestDirectory();
        await using var jwks = new LoopbackDocumentServer(pki.IssueServerCertificate());
        await jwks.StartAsync();
        var connectionString = await PostgreSqlTestServer.CreateDatabaseAsync();

        var consumer = await PackageConsumer.CreateAsync(Path.Combine(_work, PackageConsumer.ProjectName), _packages, Path.Combine(_work, "nuget-packages"));
        await consumer.BuildAsync();
        foreach (var id in new[] { "IdentityServer.Dcr", "IdentityServer.Dcr.AspNetCore", "IdentityServer.Dcr.EntityFramework" })
        {
            Assert.That(await consumer.RestoredSourceAsync(id), Is.EqualTo(_packages.Directory), $"{id} is restored from the packed folder");
        }

        var trust = Directory.CreateDirectory(Path.Combine(_work, "trust")).FullName;
        var rootFile = Path.Combine(trust, "root.pem");
        var secrets = Directory.CreateDirectory(Path.Combine(_work, "secrets")).FullName;
        await File.WriteAllTextAsync(rootFile, pki.RootCertificate.ExportCertificatePem());
        var serverFile = Path.Combine(secrets, "server.pfx");
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        using (var server = pki.IssueServerCertificate())
        {
            await File.WriteAllBytesAsync(serverFile, server.Export(X509ContentType.Pfx, password));
        }

        await consumer.ConfigureAsync(new JsonObject
        {
            ["ConnectionStrings"] = new JsonObject { ["Dcr"] = connectionString },
            ["Kestrel"] = new JsonObject
            {
                ["Certificates"] = new JsonObject { ["Default"] = new JsonObject { ["Path"] = serverFile, ["Password"] = password } },
            },
            ["Dcr"] = new JsonObject
            {
                ["SoftwareStatement"] = new JsonObject
                {
                    ["TrustAnchors"] = new JsonArray(new JsonObject { ["Issuer"] = directory.Issuer, ["Jwks"] = directory.Jwks }),
                },
                ["RequestObject"] = new JsonObject { ["AcceptedAudiences"] = new JsonArray(TestEnvironment.Audience) },
                ["Transport"] = new JsonObject
                {
                    ["TrustedRootFiles"] = new JsonArray(rootFile),
                    ["RevocationMode"] = "NoCheck", // The test CA publishes no CRL.
                },
                ["Jwks"] = new JsonObject { ["AllowedNetworks"] = new JsonArray("127.0.0.0/8", "::1") },
            },
        });

        // The host trusts the test CA, and only it, for outgoing TLS (the TPP's JWKS host): OpenSSL's own variables.
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = null,
            ["ASPNETCORE_URLS"] = null,
            ["SSL_CERT_FILE"] = rootFile,
            ["SSL_CERT_DIR"] = trust,
        };
        await using var host = await HostProcess.StartAsync(consumer.AssemblyPath, consumer.Directory, environment, TimeSpan.FromSeconds(60));
        var registration = new Uri(host.BaseAddress, "/register");

        var softwareId = TestTpp.NewBase62Id(22);
        using var tpp = new TestTpp(jwks.UriFor($"tpp/{softwareId}.jwks").AbsoluteUri, softwareId: softwareId);
        tpp.TransportCertificate = pki.IssueClientCertificate(tpp.LegacyTransportSubject());
        jwks.Serve($"tpp/{softwareId}.jwks", tpp.Jwks);
        using var client = TestHost.CreateClient(pki.IsIssuedHere, tpp.TransportCertificate);

        // Act: a valid registration, then one whose SSA is signed by a key the bank does not trust.
        using var created = await PostAsync(client, registration, tpp.Sign(tpp.RegistrationClaims(directory.IssueSoftwareStatement(tpp), TestEnvironment.Audience)));
        var createdBody = await created.Content.ReadAsStringAsync();

        using var impostor = new TestDirectory(directory.Issuer);
        using var refused = await PostAsync(client, registration, tpp.Sign(tpp.RegistrationClaims(impostor.IssueSoftwareStatement(tpp), TestEnvironment.Audience)));
        var refusedBody = await refused.Content.ReadAsStringAsync();

        // Assert
        var diagnostics = $"\nHost output:\n{host.Log}";
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), createdBody + diagnostics);
        var registered = JsonNode.Parse(createdBody)!.AsObject();
        Assert.Multiple(() =>
        {
            Assert.That(registered["client_id"]?.GetValue<string>(), Is.Not.Empty, createdBody);
            Assert.That(registered["software_id"]?.GetValue<string>(), Is.EqualTo(softwareId), createdBody);
            Assert.That(created.Headers.CacheControl?.NoStore, Is.True);
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), refusedBody + diagnostics);
            Assert.That(JsonNode.Parse(refusedBody)?["error"]?.GetValue<string>(), Is.EqualTo(DcrErrors.InvalidSoftwareStatement), refusedBody);
        });
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, Uri endpoint, string signedRequest)
    {
        using var content = new StringContent(signedRequest, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/jose");
        return await client.PostAsync(endpoint, content);
    }

    private static XElement Nuspec(ZipArchive package)
    {
        var entry = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/', StringComparison.Ordinal));
        using var stream = entry.Open();
        var document = XDocument.Load(stream);
        return document.Root!.Element(document.Root.Name.Namespace + "metadata")!;
    }

    private static byte[] Read(ZipArchive package, string path)
    {
        var entry = package.GetEntry(path) ?? throw new AssertionException($"{path} is not in the package.");
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>
    /// Whether <paramref name="pdb"/> is a portable PDB whose id is the one the assembly's CodeView entry names, and
    /// the assembly embeds no PDB of its own (which would leave the symbol package useless).
    /// </summary>
    private static bool SymbolsMatch(byte[] assembly, byte[] pdb)
    {
        using var pe = new PEReader(new MemoryStream(assembly));
        var entries = pe.ReadDebugDirectory();
        if (entries.Any(e => e.Type == DebugDirectoryEntryType.EmbeddedPortablePdb))
        {
            return false;
        }

        var codeView = entries.Single(e => e.Type == DebugDirectoryEntryType.CodeView);
        var expected = pe.ReadCodeViewDebugDirectoryData(codeView).Guid;
        using var provider = MetadataReaderProvider.FromPortablePdbStream(new MemoryStream(pdb));
        var header = provider.GetMetadataReader().DebugMetadataHeader;
        return header is not null && new BlobContentId(header.Id).Guid == expected;
    }
}
