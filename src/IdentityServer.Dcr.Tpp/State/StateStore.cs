// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json;

namespace IdentityServer.Dcr.Tpp.State;

/// <summary>The state directory (default <c>.obie-tpp</c>): <c>state.json</c> and the PEM files, all written with mode 0600.</summary>
internal sealed class StateStore(string directory)
{
    public const string DefaultDirectory = ".obie-tpp";
    public const string StateFileName = "state.json";
    public const string SigningKeyFileName = "signing-key.pem";
    public const string TransportCertificateFileName = "transport.crt";
    public const string TransportKeyFileName = "transport.key";
    public const string SandboxCaFileName = "sandbox-ca.pem";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly System.Text.UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    public string Directory { get; } = Path.GetFullPath(directory);

    public string StatePath => Path.Combine(Directory, StateFileName);

    public bool Exists => File.Exists(StatePath);

    /// <summary>A path from the state file: relative ones are under <see cref="Directory"/>.</summary>
    public string Resolve(string path) => Path.IsPathRooted(path) ? path : Path.Combine(Directory, path);

    public TppState Load()
    {
        if (!Exists)
        {
            throw new TppException($"no state in {Directory}: run 'obie-tpp init' first (or pass --dir).");
        }

        try
        {
            return JsonSerializer.Deserialize<TppState>(File.ReadAllText(StatePath), JsonOptions)
                ?? throw new TppException($"{StatePath} is empty.");
        }
        catch (JsonException ex)
        {
            throw new TppException($"{StatePath} is not valid JSON: {ex.Message}", ex);
        }
    }

    public void Save(TppState state) => WritePrivateFile(StateFileName, JsonSerializer.Serialize(state, JsonOptions) + "\n");

    public string ReadFile(string path)
    {
        var full = Resolve(path);
        try
        {
            return File.ReadAllText(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TppException($"cannot read {full}: {ex.Message}", ex);
        }
    }

    /// <summary>Creates the directory, private to its owner (0700 on Unix).</summary>
    private void CreateDirectory()
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>
    /// Writes a file readable by its owner only (0600 on Unix), through a temporary file and a rename so that a
    /// crash never leaves half a key or half a state file behind.
    /// </summary>
    public string WritePrivateFile(string name, string contents)
    {
        CreateDirectory();
        var path = Resolve(name);
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var writer = new StreamWriter(temporary, Utf8NoBom, options))
            {
                writer.Write(contents);
            }

            if (!OperatingSystem.IsWindows())
            {
                // UnixCreateMode applies only to new files; a leftover temporary file keeps its old mode.
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            File.Move(temporary, path, overwrite: true);
            return path;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TppException($"cannot write {path}: {ex.Message}", ex);
        }
    }
}
