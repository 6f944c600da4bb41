// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Diagnostics;

namespace IdentityServer.Dcr.Tpp.State;

/// <summary>
/// Whether the state folder (private keys) lies inside a git work tree where it could be committed: found by walking up
/// to a <c>.git</c> entry, then asking git whether the folder is ignored (when git cannot be run, it is assumed not).
/// </summary>
internal static class GitWorkTree
{
    /// <summary>The work tree holding <paramref name="directory"/>, if any.</summary>
    public static string? Find(string directory)
    {
        for (var current = new DirectoryInfo(Path.GetFullPath(directory)); current is not null; current = current.Parent)
        {
            var marker = Path.Combine(current.FullName, ".git");
            if (System.IO.Directory.Exists(marker) || File.Exists(marker))
            {
                return current.FullName;
            }
        }

        return null;
    }

    /// <summary>
    /// The warning to print for <paramref name="directory"/>, or <see langword="null"/> when it is outside a work tree
    /// or ignored there.
    /// </summary>
    public static string? Warning(string directory)
    {
        if (Find(directory) is not { } root || IsIgnored(root, directory))
        {
            return null;
        }

        return $"{directory} holds private keys and is inside the git work tree {root}, where it is not ignored: add it "
            + $"to .gitignore, or use --dir outside the repository.";
    }

    private static bool IsIgnored(string root, string directory)
    {
        try
        {
            var info = new ProcessStartInfo("git")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = root,
            };
            info.ArgumentList.Add("check-ignore");
            info.ArgumentList.Add("-q");
            info.ArgumentList.Add(Path.GetFullPath(directory));
            using var process = Process.Start(info);
            if (process is null || !process.WaitForExit(5_000))
            {
                process?.Kill();
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No git: say so rather than stay silent.
            return false;
        }
    }
}
