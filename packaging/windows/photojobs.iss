; Inno Setup script: a per-user or all-users installer for the PyInstaller folder.
; Build on Windows after `pyinstaller packaging\photojobs.spec` (see docs\packaging.md):
;   iscc /DAppVersion=0.1.0 packaging\windows\photojobs.iss
; Output: dist\PhotoJobs-<version>-setup.exe

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "PhotoJobs"
#define AppExe "PhotoJobs.exe"
#define Root "..\.."

[Setup]
AppId={{6B0F5B52-3C1E-4C84-9E8B-7A1A3E0C2F41}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=PhotoJobs developers
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#Root}\dist
OutputBaseFilename={#AppName}-{#AppVersion}-setup
SetupIconFile={#Root}\build\icons\photojobs.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#Root}\dist\PhotoJobs\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

