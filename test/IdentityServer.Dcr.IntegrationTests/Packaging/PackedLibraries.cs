// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Configuration;

namespace IdentityServer.Dcr.IntegrationTests.Packaging;

/// <summary>
/// The libraries packed as <c>build.ps1 pack</c> packs them (<c>dotnet pack --no-build</c> of the projects this test
/// assembly was built with, same configuration), but with a version of their own (<see cref="Version"/>): no copy of
/// these packages can exist in any NuGet cache, so whatever restores them gets these very files.
/// </summary>
internal sealed class PackedLibraries
{
    /// <summary>The library projects packed: the ones this test project references, so they are built in its configuration.</summary>
    public static readonly IReadOnlyList<string> Projects =
    [
        "IdentityServer.Dcr",
        "IdentityServer.Dcr.AspNetCore",
        "IdentityServer.Dcr.EntityFramework",
        "IdentityServer.Dcr.OpenIddict",
    ];

    private PackedLibraries(string repositoryRoot, string directory, string version)
    {
        RepositoryRoot = repositoryRoot;
        Directory = directory;
        Version = version;
    }

    /// <summary>The repository the libraries come from.</summary>
    public string RepositoryRoot { get; }

    /// <summary>The folder holding the .nupkg and .snupkg files, and nothing else.</summary>
    public string Directory { get; }

    /// <summary>The package version, for example <c>0.1.0-packtest.20261206101500.r1a2b3c4d</c>.</summary>
    public string Version { get; }

    /// <summary>The configuration the tests (and so the libraries) were built in.</summary>
    public static string Configuration =>
        typeof(DcrOptions).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    public string PackagePath(string id) => Path.Combine(Directory, $"{id}.{Version}.nupkg");

    public string SymbolPackagePath(string id) => Path.Combine(Directory, $"{id}.{Version}.snupkg");

    /// <summary>Packs <see cref="Projects"/> into <paramref name="directory"/> with one <c>dotnet pack</c> of a solution filter.</summary>
    public static async Task<PackedLibraries> PackAsync(string directory)
    {
        var root = FindRepositoryRoot();
        var solution = Path.Combine(root, "IdentityServer.Dcr.sln");
        System.IO.Directory.CreateDirectory(directory);

        // The released version with a pre-release label no build has used before.
        var released = typeof(DcrOptions).Assembly.GetName().Version ?? new Version(0, 1, 0);
        var version = $"{released.ToString(3)}-packtest.{DateTime.UtcNow:yyyyMMddHHmmss}.r{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";

        var filter = Path.Combine(Path.GetDirectoryName(directory)!, "libraries.slnf");
        var projects = new JsonArray();
        foreach (var project in Projects)
        {
            projects.Add($"src/{project}/{project}.csproj");
        }

        await File.WriteAllTextAsync(filter, new JsonObject { ["solution"] = new JsonObject { ["path"] = solution, ["projects"] = projects } }.ToJsonString());
        await DotnetCommand.RunAsync(root,
        [
            "pack", filter,
            "--configuration", Configuration,
            "--no-build", "--nologo",
            "--output", directory,
            $"-p:PackageVersion={version}",
            // The generated .nuspec files too stay out of the repository (obj/ would collect one per run).
            $"-p:NuspecOutputPath={Path.Combine(Path.GetDirectoryName(directory)!, "nuspec")}{Path.DirectorySeparatorChar}",
            "-nodeReuse:false",
        ]);
        return new PackedLibraries(root, directory, version);
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "IdentityServer.Dcr.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"IdentityServer.Dcr.sln not found above {AppContext.BaseDirectory}: the packaging tests run from the repository's build output.");
    }
}
