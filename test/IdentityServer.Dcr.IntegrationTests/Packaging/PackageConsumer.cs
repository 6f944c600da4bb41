// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security;
using System.Text.Json.Nodes;

namespace IdentityServer.Dcr.IntegrationTests.Packaging;

/// <summary>
/// A bank's fresh web project outside the repository (no Directory.Build.props, no central package versions, no
/// project reference): a csproj with two PackageReferences, the documented minimal host as Program.cs, and a NuGet.config
/// whose package source mapping takes IdentityServer.Dcr* from the packed folder only and everything else from nuget.org.
/// </summary>
internal sealed class PackageConsumer
{
    public const string ProjectName = "BankHost";

    /// <summary>
    /// The minimal host of "Wiring the engine into your host" (docs/wiring.md, formerly in the README), word for word:
    /// when that page changes, change this copy with it.
    /// </summary>
    public const string ProgramSource = """
        var builder = WebApplication.CreateBuilder(args);

        // Ask every TLS client for a certificate and accept any at the TLS layer; the engine checks it.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https =>
            https.UseDcrTransportCertificates(kestrel.ApplicationServices)));

        builder.Services.AddDcr(builder.Configuration.GetSection("Dcr"));
        builder.Services.AddDcrPostgreSqlStore(builder.Configuration.GetConnectionString("Dcr")!);
        builder.Services.AddDcrPipeline();   // 503 for dependency outages, forwarded certificates (the plug-ins call it too)

        var app = builder.Build();
        await app.Services.MigrateDcrDatabaseAsync();   // or apply the migrations from a deployment step
        app.MapDcr("/register");
        await app.RunAsync();

        """;

    private static readonly string[] References = ["IdentityServer.Dcr.AspNetCore", "IdentityServer.Dcr.EntityFramework"];

    private readonly PackedLibraries _packages;
    private readonly string _packagesFolder;
    private readonly string _fallbackFolder;

    private PackageConsumer(string directory, PackedLibraries packages, string packagesFolder, string fallbackFolder)
    {
        Directory = directory;
        _packages = packages;
        _packagesFolder = packagesFolder;
        _fallbackFolder = fallbackFolder;
    }

    /// <summary>The project directory (also the host's content root).</summary>
    public string Directory { get; }

    /// <summary>The built host assembly.</summary>
    public string AssemblyPath => Path.Combine(Directory, "bin", PackedLibraries.Configuration, "net10.0", ProjectName + ".dll");

    /// <summary>
    /// Writes the project into <paramref name="directory"/>. Restore extracts packages into a folder of its own
    /// (<paramref name="packagesFolder"/>, also given as NUGET_PACKAGES); the machine's global packages folder serves
    /// as a read-only fallback, so third-party packages already there are not downloaded again. It cannot hold the
    /// IdentityServer.Dcr packages: their version is new.
    /// </summary>
    public static async Task<PackageConsumer> CreateAsync(string directory, PackedLibraries packages, string packagesFolder)
    {
        System.IO.Directory.CreateDirectory(directory);
        var fallbackFolder = await GlobalPackagesFolderAsync(packages.RepositoryRoot);

        var references = string.Concat(References.Select(id => $"    <PackageReference Include=\"{id}\" Version=\"{packages.Version}\" />\n"));
        await WriteAsync(directory, ProjectName + ".csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <!-- A restore warning (a dependency resolved to another version than the package asks for) is a packaging fault. -->
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <!-- Advisories published after the release must not fail this test: the repository's own build audits. -->
                <NuGetAudit>false</NuGetAudit>
              </PropertyGroup>
              <ItemGroup>
            {references}  </ItemGroup>
            </Project>

            """);

        // The project lives outside the repository, but nothing above it may leak in either.
        foreach (var stop in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            await WriteAsync(directory, stop, "<Project />\n");
        }

        await WriteAsync(directory, "NuGet.config", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{Xml(packagesFolder)}" />
              </config>
              <packageSources>
                <clear />
                <add key="packed" value="{Xml(packages.Directory)}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
              <fallbackPackageFolders>
                <clear />
                <add key="machine" value="{Xml(fallbackFolder)}" />
              </fallbackPackageFolders>
              <packageSourceMapping>
                <clear />
                <packageSource key="packed">
                  <package pattern="IdentityServer.Dcr" />
                  <package pattern="IdentityServer.Dcr.*" />
                </packageSource>
                <packageSource key="nuget.org">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>

            """);

        // The same SDK rules as the repository's.
        File.Copy(Path.Combine(packages.RepositoryRoot, "global.json"), Path.Combine(directory, "global.json"), overwrite: true);
        await WriteAsync(directory, "Program.cs", ProgramSource);
        return new PackageConsumer(directory, packages, packagesFolder, fallbackFolder);
    }

    /// <summary>Restores and builds the project.</summary>
    public Task BuildAsync() => DotnetCommand.RunAsync(Directory,
        ["build", "--configuration", PackedLibraries.Configuration, "--nologo", "-nodeReuse:false"],
        new Dictionary<string, string?>
        {
            ["NUGET_PACKAGES"] = _packagesFolder,
            ["NUGET_FALLBACK_PACKAGES"] = _fallbackFolder,
        });

    /// <summary>Where restore took the IdentityServer.Dcr package <paramref name="id"/> from (its .nupkg.metadata).</summary>
    public async Task<string?> RestoredSourceAsync(string id)
    {
        var metadata = Path.Combine(_packagesFolder, id.ToLowerInvariant(), _packages.Version.ToLowerInvariant(), ".nupkg.metadata");
        return File.Exists(metadata) ? JsonNode.Parse(await File.ReadAllTextAsync(metadata))?["source"]?.GetValue<string>() : null;
    }

    /// <summary>Writes the host's appsettings.json (the bank's configuration).</summary>
    public Task ConfigureAsync(JsonObject settings) => WriteAsync(Directory, "appsettings.json", settings.ToJsonString());

    private static async Task<string> GlobalPackagesFolderAsync(string workingDirectory)
    {
        var output = await DotnetCommand.RunAsync(workingDirectory, ["nuget", "locals", "global-packages", "--list"]);
        const string Prefix = "global-packages:";
        var line = output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(Prefix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException("dotnet nuget locals did not name the global packages folder:\n" + output);
        return line[Prefix.Length..].Trim();
    }

    private static Task WriteAsync(string directory, string name, string content) => File.WriteAllTextAsync(Path.Combine(directory, name), content);

    private static string Xml(string value) => SecurityElement.Escape(value);
}
