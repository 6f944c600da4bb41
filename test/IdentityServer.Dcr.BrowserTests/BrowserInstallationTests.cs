// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Testing.Browser;

namespace IdentityServer.Dcr.BrowserTests;

/// <summary>How the browser and its driver are found, without starting them.</summary>
public sealed class BrowserInstallationTests
{
    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("dcr-browser-locate-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void The_environment_overrides_win_over_path()
    {
        var chromium = Executable("my-chromium");
        var driver = Executable("my-chromedriver");
        Executable("chromium");
        Executable("chromedriver");

        var found = BrowserInstallation.Locate(out var problem, Environment(chromium, driver), _directory);

        Assert.That(problem, Is.Empty);
        Assert.That(found!.ChromiumPath, Is.EqualTo(chromium));
        Assert.That(found.ChromeDriverPath, Is.EqualTo(driver));
    }

    [Test]
    public void Executables_on_path_are_found()
    {
        var chromium = Executable("chromium");
        var driver = Executable("chromedriver");

        var found = BrowserInstallation.Locate(out _, Environment(null, null), _directory);

        Assert.That(found!.ChromiumPath, Is.EqualTo(chromium));
        Assert.That(found.ChromeDriverPath, Is.EqualTo(driver));
    }

    [Test]
    public void An_override_naming_a_missing_file_is_an_actionable_error()
    {
        Executable("chromium");
        Executable("chromedriver");
        var missing = Path.Combine(_directory, "nowhere", "chromedriver");

        var found = BrowserInstallation.Locate(out var problem, Environment(null, missing), _directory);

        Assert.That(found, Is.Null);
        Assert.That(problem, Does.Contain(BrowserInstallation.ChromeDriverVariable).And.Contain(missing)
            .And.Contain("apt-get install chromium chromium-driver").And.Contain(BrowserInstallation.OptionalVariable));
    }

    [Test]
    public void A_file_that_is_not_executable_is_not_taken()
    {
        var chromium = Path.Combine(_directory, "chromium");
        File.WriteAllText(chromium, string.Empty);
        Executable("chromedriver");

        var found = BrowserInstallation.Locate(out var problem, Environment(chromium, null), _directory);

        Assert.That(found, Is.Null);
        Assert.That(problem, Does.Contain("not an executable file"));
    }

    private static Func<string, string?> Environment(string? chromium, string? driver) => name => name switch
    {
        BrowserInstallation.ChromiumVariable => chromium,
        BrowserInstallation.ChromeDriverVariable => driver,
        _ => null,
    };

    private string Executable(string name)
    {
        var file = Path.Combine(_directory, name);
        File.WriteAllText(file, "#!/bin/sh\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return file;
    }
}
