// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Diagnostics;
using IdentityServer.Dcr.Tpp.Commands;
using IdentityServer.Dcr.Tpp.State;
using IdentityServer.Dcr.Tpp.Tests.TestDoubles;

namespace IdentityServer.Dcr.Tpp.Tests.State;

/// <summary>The warning when the state folder (private keys) sits in a git work tree where it is not ignored.</summary>
[TestFixture]
public sealed class GitWorkTreeTests
{
    [Test]
    public void Warning_InsideAWorkTreeNotIgnored_NamesTheTree_IgnoredOrOutside_None()
    {
        // Arrange: a real repository made with git.
        using var repository = new TempDirectory();
        Git(repository.Path, "init", "-q");
        var state = Path.Combine(repository.Path, ".obie-tpp");
        Directory.CreateDirectory(state);
        using var outside = new TempDirectory();

        // Act
        var notIgnored = GitWorkTree.Warning(state);
        File.WriteAllText(Path.Combine(repository.Path, ".gitignore"), ".obie-tpp/\n");
        var ignored = GitWorkTree.Warning(state);
        var elsewhere = GitWorkTree.Warning(outside.Path);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(notIgnored, Does.Contain(repository.Path).And.Contain(".gitignore"));
            Assert.That(ignored, Is.Null);
            Assert.That(elsewhere, Is.Null);
        });
    }

    [Test]
    public async Task Init_InAWorkTree_WarnsOnStandardError()
    {
        // Arrange
        using var repository = new TempDirectory();
        Git(repository.Path, "init", "-q");
        var console = new CapturedConsole();
        var context = new TppContext(console.Console, new StateStore(Path.Combine(repository.Path, "keys")), insecure: true);

        // Act
        await new InitCommand(context).RunAsync(new InitOptions(), CancellationToken.None);

        // Assert
        Assert.That(console.Error.ToString(), Does.Contain("warning:").And.Contain("private keys"));
    }

    private static void Git(string directory, params string[] arguments)
    {
        var info = new ProcessStartInfo("git") { WorkingDirectory = directory, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        process.WaitForExit(10_000);
        Assert.That(process.ExitCode, Is.Zero, process.StandardError.ReadToEnd());
    }
}
