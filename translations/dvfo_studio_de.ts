<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>QObject</name>
    <message>
        <source>Unknown host key</source>
        <translation>Unbekannter Host-Schlüssel</translation>
    </message>
    <message>
        <source>The authenticity of host &lt;b&gt;%1&lt;/b&gt; can&apos;t be established.</source>
        <translation>Die Echtheit des Hosts &lt;b&gt;%1&lt;/b&gt; kann nicht festgestellt werden.</translation>
    </message>
    <message>
        <source>%1 key fingerprint is
%2

Trust it only if it matches the board&apos;s key (ssh-keygen -lf /etc/ssh/ssh_host_%3_key.pub on the board).</source>
        <translation>Der Fingerabdruck des %1-Schlüssels lautet
%2

Vertrauen Sie ihm nur, wenn er mit dem Schlüssel des Boards übereinstimmt (ssh-keygen -lf /etc/ssh/ssh_host_%3_key.pub auf dem Board).</translation>
    </message>
    <message>
        <source>Trust and remember</source>
        <translation>Vertrauen und merken</translation>
    </message>
    <message>
        <source>Trust once</source>
        <translation>Einmalig vertrauen</translation>
    </message>
    <message numerus="yes">
        <source>%n frequencies</source>
        <translation>
            <numerusform>%n Frequenz</numerusform>
            <numerusform>%n Frequenzen</numerusform>
        </translation>
    </message>
    <message>
        <source> (partial list)</source>
        <translation> (unvollständige Liste)</translation>
    </message>
    <message>
        <source>MHz</source>
        <translation>MHz</translation>
    </message>
    <message>
        <source>time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>#%1 %2 %3%4</source>
        <translation>#%1 %2 %3%4</translation>
    </message>
    <message>
        <source> (emulated)</source>
        <translation> (emuliert)</translation>
    </message>
    <message>
        <source>seconds ago</source>
        <translation>Sekunden zuvor</translation>
    </message>
</context>
<context>
    <name>dvfo::AttentionPanel</name>
    <message>
        <source>Checkpoint directory written by `dvfo attention train` (attention.json + weights.pt)</source>
        <translation>Von `dvfo attention train` geschriebenes Checkpoint-Verzeichnis (attention.json + weights.pt)</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Durchsuchen…</translation>
    </message>
    <message>
        <source>&amp;Load</source>
        <translation>&amp;Laden</translation>
    </message>
    <message>
        <source>&amp;Train quick model</source>
        <translation>Schnellmodell &amp;trainieren</translation>
    </message>
    <message>
        <source>small_cnn, 1 epoch on the first training images, into the checkpoint directory</source>
        <translation>small_cnn, 1 Epoche auf den ersten Trainingsbildern, in das Checkpoint-Verzeichnis</translation>
    </message>
    <message>
        <source> images</source>
        <translation> Bilder</translation>
    </message>
    <message>
        <source>&amp;Evaluate</source>
        <translation>&amp;Auswerten</translation>
    </message>
    <message>
        <source>Accuracy and bytes per share on the first test images (worker thread)</source>
        <translation>Genauigkeit und Bytes je Anteil auf den ersten Testbildern (Worker-Thread)</translation>
    </message>
    <message>
        <source>Load &amp;report…</source>
        <translation>&amp;Bericht laden…</translation>
    </message>
    <message>
        <source>Accuracy vs share from `dvfo attention evaluate --json`</source>
        <translation>Genauigkeit über Anteil aus `dvfo attention evaluate --json`</translation>
    </message>
    <message>
        <source>E&amp;xport PNG…</source>
        <translation>PNG e&amp;xportieren…</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>◀ Prev</source>
        <translation>◀ Zurück</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>Weiter ▶</translation>
    </message>
    <message>
        <source>Ran&amp;dom</source>
        <translation>&amp;Zufällig</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>Ausgabe</translation>
    </message>
    <message>
        <source>Prediction</source>
        <translation>Vorhersage</translation>
    </message>
    <message>
        <source>Probability</source>
        <translation>Wahrscheinlichkeit</translation>
    </message>
    <message>
        <source>Runner-up</source>
        <translation>Zweitbeste</translation>
    </message>
    <message>
        <source>Correct</source>
        <translation>Richtig</translation>
    </message>
    <message>
        <source>Checkpoint:</source>
        <translation>Checkpoint:</translation>
    </message>
    <message>
        <source>Accuracy curve on</source>
        <translation>Genauigkeitskurve über</translation>
    </message>
    <message>
        <source>Test image:</source>
        <translation>Testbild:</translation>
    </message>
    <message>
        <source>Offload share:</source>
        <translation>Auslagerungsanteil:</translation>
    </message>
    <message>
        <source>Attention checkpoint</source>
        <translation>Aufmerksamkeits-Checkpoint</translation>
    </message>
    <message>
        <source>Evaluation report</source>
        <translation>Auswertungsbericht</translation>
    </message>
    <message>
        <source>JSON (*.json)</source>
        <translation>JSON (*.json)</translation>
    </message>
    <message>
        <source>Export PNG</source>
        <translation>PNG exportieren</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG-Bild (*.png)</translation>
    </message>
    <message>
        <source>Cannot write %1</source>
        <translation>%1 kann nicht geschrieben werden</translation>
    </message>
    <message>
        <source>Press Load to open %1.</source>
        <translation>Klicken Sie auf „Laden“, um %1 zu öffnen.</translation>
    </message>
    <message>
        <source>No checkpoint in %1. Train one with `dvfo attention train` (see README), choose another directory, or press &quot;Train quick model&quot;.</source>
        <translation>Kein Checkpoint in %1. Trainieren Sie einen mit `dvfo attention train` (siehe README), wählen Sie ein anderes Verzeichnis oder klicken Sie auf „Schnellmodell trainieren“.</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>Eingabe</translation>
    </message>
    <message>
        <source>Spatial attention Ms over the input</source>
        <translation>Räumliche Aufmerksamkeit Ms über der Eingabe</translation>
    </message>
    <message>
        <source>Ms</source>
        <translation>Ms</translation>
    </message>
    <message>
        <source>Channel importance Mc, ranked</source>
        <translation>Kanalwichtigkeit Mc, nach Rang</translation>
    </message>
    <message>
        <source>channel weight Mc</source>
        <translation>Kanalgewicht Mc</translation>
    </message>
    <message>
        <source>channel index, by rank (highest Mc first)</source>
        <translation>Kanalindex nach Rang (höchstes Mc zuerst)</translation>
    </message>
    <message>
        <source>Class probabilities</source>
        <translation>Klassenwahrscheinlichkeiten</translation>
    </message>
    <message>
        <source>softmax probability</source>
        <translation>Softmax-Wahrscheinlichkeit</translation>
    </message>
    <message>
        <source>Accuracy vs offload share</source>
        <translation>Genauigkeit über Auslagerungsanteil</translation>
    </message>
    <message>
        <source>fused (collaborative)</source>
        <translation>fusioniert (kollaborativ)</translation>
    </message>
    <message>
        <source>edge tail alone</source>
        <translation>Edge-Tail allein</translation>
    </message>
    <message>
        <source>cloud tail alone</source>
        <translation>Cloud-Tail allein</translation>
    </message>
    <message>
        <source>bytes on the wire / sample (right)</source>
        <translation>übertragene Bytes / Bild (rechts)</translation>
    </message>
    <message>
        <source>current share</source>
        <translation>aktueller Anteil</translation>
    </message>
    <message>
        <source>offload share s</source>
        <translation>Auslagerungsanteil s</translation>
    </message>
    <message>
        <source>test accuracy %</source>
        <translation>Testgenauigkeit %</translation>
    </message>
    <message>
        <source>bytes / sample</source>
        <translation>Bytes / Bild</translation>
    </message>
    <message>
        <source>Choose a checkpoint directory first.</source>
        <translation>Wählen Sie zuerst ein Checkpoint-Verzeichnis.</translation>
    </message>
    <message>
        <source>Loading %1 and the Fashion-MNIST test set…</source>
        <translation>Lade %1 und den Fashion-MNIST-Testdatensatz…</translation>
    </message>
    <message>
        <source>%1 — %2 test images from %3; training: %4</source>
        <translation>%1 — %2 Testbilder aus %3; Training: %4</translation>
    </message>
    <message>
        <source>Cannot load %1: %2</source>
        <translation>%1 kann nicht geladen werden: %2</translation>
    </message>
    <message>
        <source>Cannot use the report: %1</source>
        <translation>Der Bericht ist nicht verwendbar: %1</translation>
    </message>
    <message>
        <source>Accuracy vs offload share (evaluating %1 test images…)</source>
        <translation>Genauigkeit über Auslagerungsanteil (werte %1 Testbilder aus…)</translation>
    </message>
    <message>
        <source>%1 test images</source>
        <translation>%1 Testbilder</translation>
    </message>
    <message>
        <source>Evaluation failed: %1</source>
        <translation>Auswertung fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>%1 already holds a checkpoint; choose an empty or new directory to train into.</source>
        <translation>%1 enthält bereits einen Checkpoint; wählen Sie für das Training ein leeres oder neues Verzeichnis.</translation>
    </message>
    <message>
        <source>Training small_cnn for 1 epoch on %1 Fashion-MNIST training images into %2…</source>
        <translation>Trainiere small_cnn 1 Epoche lang auf %1 Fashion-MNIST-Trainingsbildern nach %2…</translation>
    </message>
    <message>
        <source>Quick training stopped: %1</source>
        <translation>Schnelltraining abgebrochen: %1</translation>
    </message>
    <message>
        <source>Cannot inspect test image %1: %2</source>
        <translation>Testbild %1 kann nicht untersucht werden: %2</translation>
    </message>
    <message>
        <source>kept on the edge: %1 maps</source>
        <translation>am Edge behalten: %1 Maps</translation>
    </message>
    <message>
        <source>offloaded to the cloud (int8): %1 maps</source>
        <translation>in die Cloud ausgelagert (int8): %1 Maps</translation>
    </message>
    <message>
        <source>cut: edge ◀ %1 | %2 ▶ cloud</source>
        <translation>Schnitt: Edge ◀ %1 | %2 ▶ Cloud</translation>
    </message>
    <message>
        <source>Channel importance Mc of the %1 maps at %2, ranked (share %3: the first %4 stay on the edge)</source>
        <translation>Kanalwichtigkeit Mc der %1 Maps bei %2, nach Rang (Anteil %3: die ersten %4 bleiben am Edge)</translation>
    </message>
    <message>
        <source>%1 maps</source>
        <translation>%1 Maps</translation>
    </message>
    <message>
        <source>%1 maps, int8</source>
        <translation>%1 Maps, int8</translation>
    </message>
    <message>
        <source>returned</source>
        <translation>zurückgegeben</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>— not used at this share</source>
        <translation>— bei diesem Anteil nicht verwendet</translation>
    </message>
    <message>
        <source>✔ yes</source>
        <translation>✔ ja</translation>
    </message>
    <message>
        <source>✘ no</source>
        <translation>✘ nein</translation>
    </message>
    <message>
        <source>Test image &lt;b&gt;#%1&lt;/b&gt; — ground truth: &lt;b&gt;%2&lt;/b&gt; (shaded) — fused prediction: &lt;b&gt;%3&lt;/b&gt;</source>
        <translation>Testbild &lt;b&gt;#%1&lt;/b&gt; — tatsächliche Klasse: &lt;b&gt;%2&lt;/b&gt; (schattiert) — fusionierte Vorhersage: &lt;b&gt;%3&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Accuracy vs offload share (%1; unsplit edge model %2, dash-dot)</source>
        <translation>Genauigkeit über Auslagerungsanteil (%1; ungeteiltes Edge-Modell %2, strichpunktiert)</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source> — %1 maps kept on the edge, %2 offloaded: %3 on the wire (int8), %4 as float32</source>
        <translation> — %1 Maps am Edge behalten, %2 ausgelagert: %3 übertragen (int8), %4 als float32</translation>
    </message>
    <message>
        <source>; accuracy %1 (%2 pp vs unsplit)</source>
        <translation>; Genauigkeit %1 (%2 pp gegenüber ungeteilt)</translation>
    </message>
    <message>
        <source>Cancel training</source>
        <translation>Training abbrechen</translation>
    </message>
    <message>
        <source>Edge tail</source>
        <translation>Edge-Tail</translation>
    </message>
    <message>
        <source>Cloud tail</source>
        <translation>Cloud-Tail</translation>
    </message>
    <message>
        <source>Fused</source>
        <translation>Fusioniert</translation>
    </message>
</context>
<context>
    <name>dvfo::BackgroundJobs</name>
    <message>
        <source>unknown error</source>
        <translation>unbekannter Fehler</translation>
    </message>
</context>
<context>
    <name>dvfo::BoardDialog</name>
    <message>
        <source>Add board</source>
        <translation>Board hinzufügen</translation>
    </message>
    <message>
        <source>Edit board %1</source>
        <translation>Board %1 bearbeiten</translation>
    </message>
    <message>
        <source>e.g. nx-lab-1</source>
        <translation>z. B. nx-lab-1</translation>
    </message>
    <message>
        <source>host, address or ~/.ssh/config alias</source>
        <translation>Host, Adresse oder Alias aus ~/.ssh/config</translation>
    </message>
    <message>
        <source>from ssh config (22)</source>
        <translation>aus der SSH-Konfiguration (22)</translation>
    </message>
    <message>
        <source>from ssh config or local user</source>
        <translation>aus der SSH-Konfiguration oder lokaler Benutzer</translation>
    </message>
    <message>
        <source>ssh-agent and default keys</source>
        <translation>ssh-agent und Standardschlüssel</translation>
    </message>
    <message>
        <source>Private key</source>
        <translation>Privater Schlüssel</translation>
    </message>
    <message>
        <source>Real hardware (sysfs)</source>
        <translation>Echte Hardware (sysfs)</translation>
    </message>
    <message>
        <source>Emulated %1</source>
        <translation>Emuliert: %1</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Host:</source>
        <translation>&amp;Host:</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>&amp;Port:</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>Ben&amp;utzer:</translation>
    </message>
    <message>
        <source>&amp;Identity file:</source>
        <translation>&amp;Identitätsdatei:</translation>
    </message>
    <message>
        <source>&amp;Group:</source>
        <translation>&amp;Gruppe:</translation>
    </message>
    <message>
        <source>&amp;Agent path:</source>
        <translation>&amp;Agent-Pfad:</translation>
    </message>
    <message>
        <source>&amp;Mode:</source>
        <translation>&amp;Modus:</translation>
    </message>
</context>
<context>
    <name>dvfo::BoardListModel</name>
    <message>
        <source>this machine</source>
        <translation>dieser Rechner</translation>
    </message>
    <message>
        <source>emulated</source>
        <translation>emuliert</translation>
    </message>
    <message>
        <source>hardware</source>
        <translation>Hardware</translation>
    </message>
    <message>
        <source>disconnected</source>
        <translation>getrennt</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>verbunden</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>user %1, agent %2, group %3</source>
        <translation>Benutzer %1, Agent %2, Gruppe %3</translation>
    </message>
    <message>
        <source>Board</source>
        <translation>Board</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>Modus</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
</context>
<context>
    <name>dvfo::BoardMonitorView</name>
    <message>
        <source>clock (MHz)</source>
        <translation>Takt (MHz)</translation>
    </message>
    <message>
        <source>power (W)</source>
        <translation>Leistung (W)</translation>
    </message>
    <message>
        <source>temperature (°C)</source>
        <translation>Temperatur (°C)</translation>
    </message>
    <message>
        <source>&amp;Start monitor</source>
        <translation>Monitor &amp;starten</translation>
    </message>
    <message>
        <source> Hz</source>
        <translation> Hz</translation>
    </message>
    <message>
        <source>Samples per second the agent takes</source>
        <translation>Messwerte pro Sekunde, die der Agent aufnimmt</translation>
    </message>
    <message>
        <source> s shown</source>
        <translation> s angezeigt</translation>
    </message>
    <message>
        <source>not running</source>
        <translation>läuft nicht</translation>
    </message>
    <message>
        <source>Rate</source>
        <translation>Rate</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>GPU</source>
        <translation>GPU</translation>
    </message>
    <message>
        <source>EMC</source>
        <translation>EMC</translation>
    </message>
    <message>
        <source>The previous monitor is still stopping; try again in a moment.</source>
        <translation>Der vorige Monitor wird noch beendet; bitte gleich noch einmal versuchen.</translation>
    </message>
    <message>
        <source>Monitoring %1 at %2 Hz. Other requests to the board (a profile, fleet polls) pause it while they run.</source>
        <translation>Überwache %1 mit %2 Hz. Andere Anfragen an das Board (ein Profil, Flotten-Abfragen) unterbrechen ihn, solange sie laufen.</translation>
    </message>
    <message>
        <source>%1 Hz achieved (%2 samples); CPU %3 / GPU %4 / EMC %5 MHz</source>
        <translation>%1 Hz erreicht (%2 Messwerte); CPU %3 / GPU %4 / EMC %5 MHz</translation>
    </message>
    <message>
        <source>&amp;Stop monitor</source>
        <translation>Monitor &amp;anhalten</translation>
    </message>
    <message>
        <source>Connect a board to watch its clocks, rails and temperatures live.</source>
        <translation>Verbinden Sie ein Board, um Takte, Leistungsschienen und Temperaturen live zu sehen.</translation>
    </message>
</context>
<context>
    <name>dvfo::BoardSession</name>
    <message>
        <source>Connecting…</source>
        <translation>Verbinde…</translation>
    </message>
    <message>
        <source>Connected to %1</source>
        <translation>Verbunden mit %1</translation>
    </message>
    <message>
        <source>%1 is not connected</source>
        <translation>%1 ist nicht verbunden</translation>
    </message>
    <message>
        <source>Running %1</source>
        <translation>Führe %1 aus</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <source>Disconnected</source>
        <translation>Getrennt</translation>
    </message>
    <message>
        <source>Monitor stopped; its last run took %1 samples (%2 Hz achieved)</source>
        <translation>Monitor angehalten; der letzte Lauf nahm %1 Messwerte auf (%2 Hz erreicht)</translation>
    </message>
    <message>
        <source>Monitor stopped: %1</source>
        <translation>Monitor angehalten: %1</translation>
    </message>
    <message>
        <source>Monitor failed: %1</source>
        <translation>Monitor fehlgeschlagen: %1</translation>
    </message>
</context>
<context>
    <name>dvfo::BoardSessionPool</name>
    <message>
        <source>Unknown board %1: the emulated boards are %2.</source>
        <translation>Unbekanntes Board %1: Die emulierten Boards sind %2.</translation>
    </message>
    <message>
        <source>Cannot use board %1: %2</source>
        <translation>Board %1 kann nicht verwendet werden: %2</translation>
    </message>
    <message>
        <source>Unknown board %1: add it in the Boards tab.</source>
        <translation>Unbekanntes Board %1: Fügen Sie es im Tab „Boards“ hinzu.</translation>
    </message>
</context>
<context>
    <name>dvfo::BoardSpecView</name>
    <message>
        <source>Item</source>
        <translation>Eintrag</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>&lt;i&gt;Not probed yet.&lt;/i&gt;</source>
        <translation>&lt;i&gt;Noch nicht abgefragt.&lt;/i&gt;</translation>
    </message>
    <message>
        <source> &lt;i&gt;(emulated)&lt;/i&gt;</source>
        <translation> &lt;i&gt;(emuliert)&lt;/i&gt;</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>GPU</source>
        <translation>GPU</translation>
    </message>
    <message>
        <source>EMC</source>
        <translation>EMC</translation>
    </message>
    <message>
        <source>Power rails</source>
        <translation>Versorgungsschienen</translation>
    </message>
    <message numerus="yes">
        <source>%n rails</source>
        <translation>
            <numerusform>%n Schiene</numerusform>
            <numerusform>%n Schienen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>dvfo::BoardsPanel</name>
    <message>
        <source>&amp;Add…</source>
        <translation>&amp;Hinzufügen…</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>&amp;Bearbeiten…</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation>&amp;Verbinden</translation>
    </message>
    <message>
        <source>&amp;Disconnect</source>
        <translation>&amp;Trennen</translation>
    </message>
    <message>
        <source>Connection log</source>
        <translation>Verbindungsprotokoll</translation>
    </message>
    <message>
        <source>Agent dvfo-edge %1 on %2 (%3); clocks now %4 kHz</source>
        <translation>Agent dvfo-edge %1 auf %2 (%3); Takte jetzt %4 kHz</translation>
    </message>
    <message>
        <source>Power now</source>
        <translation>Aktuelle Leistung</translation>
    </message>
    <message>
        <source>%1 mW</source>
        <translation>%1 mW</translation>
    </message>
    <message>
        <source>%1 mV, %2 mA</source>
        <translation>%1 mV, %2 mA</translation>
    </message>
    <message>
        <source>Connect to see the board&apos;s tables and rails.</source>
        <translation>Verbinden Sie das Board, um seine Tabellen und Versorgungsschienen zu sehen.</translation>
    </message>
    <message>
        <source>SSH</source>
        <translation>SSH</translation>
    </message>
    <message>
        <source>&lt;b&gt;Cannot use %1:&lt;/b&gt; %2</source>
        <translation>&lt;b&gt;%1 ist nicht verwendbar:&lt;/b&gt; %2</translation>
    </message>
    <message>
        <source>Saved board %1 in %2</source>
        <translation>Board %1 in %2 gespeichert</translation>
    </message>
    <message>
        <source>Board not saved</source>
        <translation>Board nicht gespeichert</translation>
    </message>
    <message>
        <source>Remove board</source>
        <translation>Board entfernen</translation>
    </message>
    <message>
        <source>Remove %1 from the board list?</source>
        <translation>%1 aus der Board-Liste entfernen?</translation>
    </message>
    <message>
        <source>disconnected</source>
        <translation>getrennt</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>verbindet</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>verbunden</translation>
    </message>
    <message>
        <source>busy</source>
        <translation>beschäftigt</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>Board not removed</source>
        <translation>Board nicht entfernt</translation>
    </message>
    <message>
        <source>&amp;Tables and rails</source>
        <translation>&amp;Tabellen und Schienen</translation>
    </message>
    <message>
        <source>&amp;Monitor</source>
        <translation>&amp;Monitor</translation>
    </message>
</context>
<context>
    <name>dvfo::EnergyBreakdownPlot</name>
    <message>
        <source>energy (mJ)</source>
        <translation>Energie (mJ)</translation>
    </message>
    <message>
        <source>Energy per layer at %1 MHz: %2 mJ, %3 ms</source>
        <translation>Energie je Schicht bei %1 MHz: %2 mJ, %3 ms</translation>
    </message>
    <message>
        <source>Energy per layer: click a tuple in the energy/latency plot</source>
        <translation>Energie je Schicht: Klicken Sie auf ein Tupel im Energie-/Latenz-Diagramm</translation>
    </message>
    <message>
        <source>%1 (%2)
energy %3 mJ
latency %4 ms</source>
        <translation>%1 (%2)
Energie %3 mJ
Latenz %4 ms</translation>
    </message>
    <message>
        <source>
  %1: %2 mJ, %3 mW</source>
        <translation>
  %1: %2 mJ, %3 mW</translation>
    </message>
</context>
<context>
    <name>dvfo::FleetModel</name>
    <message>
        <source> (not running)</source>
        <translation> (läuft nicht)</translation>
    </message>
    <message>
        <source>%1 kHz, share %2</source>
        <translation>%1 kHz, Anteil %2</translation>
    </message>
    <message>
        <source>Board</source>
        <translation>Board</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>Agent</translation>
    </message>
    <message>
        <source>Runtime</source>
        <translation>Runtime</translation>
    </message>
    <message>
        <source>Bundle</source>
        <translation>Bundle</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>Entscheidung</translation>
    </message>
    <message>
        <source>Inferences</source>
        <translation>Inferenzen</translation>
    </message>
    <message>
        <source>Latency ms</source>
        <translation>Latenz ms</translation>
    </message>
    <message>
        <source>Energy mJ</source>
        <translation>Energie mJ</translation>
    </message>
    <message>
        <source>Fallbacks</source>
        <translation>Fallbacks</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <source>Last deployment</source>
        <translation>Letzte Bereitstellung</translation>
    </message>
    <message>
        <source>Cost pred / real</source>
        <translation>Kosten progn. / real</translation>
    </message>
    <message>
        <source>Decisions the runtime guard took from the trained policy (link down, or an observation outside the ranges it was trained on) and gave to the model-based optimiser; last reason: %1</source>
        <translation>Entscheidungen, die der Laufzeitwächter der trainierten Policy abgenommen (Verbindung getrennt oder eine Beobachtung außerhalb der Trainingsbereiche) und dem modellbasierten Optimierer übergeben hat; letzter Grund: %1</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Guard</source>
        <translation>Wächter</translation>
    </message>
</context>
<context>
    <name>dvfo::FleetPanel</name>
    <message>
        <source>latency (ms)</source>
        <translation>Latenz (ms)</translation>
    </message>
    <message>
        <source>energy per inference (mJ)</source>
        <translation>Energie je Inferenz (mJ)</translation>
    </message>
    <message>
        <source>offload share</source>
        <translation>Auslagerungsanteil</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>Live</translation>
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation>&amp;Verbinden</translation>
    </message>
    <message>
        <source>&amp;Deploy bundle…</source>
        <translation>Bundle &amp;bereitstellen…</translation>
    </message>
    <message>
        <source>&amp;Roll back</source>
        <translation>&amp;Zurückrollen</translation>
    </message>
    <message>
        <source>Export PNG…</source>
        <translation>PNG exportieren…</translation>
    </message>
    <message>
        <source>runtime root on the boards (default ~/.local/share/dvfo-edge, emulated boards ~/.local/share/dvfo-edge/emulated-&lt;id&gt;)</source>
        <translation>Runtime-Wurzelverzeichnis auf den Boards (Standard ~/.local/share/dvfo-edge, emulierte Boards ~/.local/share/dvfo-edge/emulated-&lt;id&gt;)</translation>
    </message>
    <message>
        <source>Poll the connected boards&apos; runtimes every second</source>
        <translation>Die Runtimes der verbundenen Boards jede Sekunde abfragen</translation>
    </message>
    <message>
        <source>Upload a bundle of the workspace to the selected boards (SSH or emulated), verify, switch, restart, health-check; rolls back by itself when a step fails</source>
        <translation>Ein Bundle des Arbeitsbereichs auf die ausgewählten Boards hochladen (SSH oder emuliert), prüfen, umschalten, neu starten, Health-Check; rollt selbst zurück, wenn ein Schritt fehlschlägt</translation>
    </message>
    <message>
        <source>Switch the selected boards back to their previous bundle</source>
        <translation>Die ausgewählten Boards auf ihr vorheriges Bundle zurückschalten</translation>
    </message>
    <message>
        <source>GPU clock (MHz)</source>
        <translation>GPU-Takt (MHz)</translation>
    </message>
    <message>
        <source>GPU clock</source>
        <translation>GPU-Takt</translation>
    </message>
    <message>
        <source>Runtime root:</source>
        <translation>Runtime-Verzeichnis:</translation>
    </message>
    <message>
        <source>Export plots</source>
        <translation>Diagramme exportieren</translation>
    </message>
    <message>
        <source>PNG (*.png);;PDF (*.pdf)</source>
        <translation>PNG (*.png);;PDF (*.pdf)</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>%1 gespeichert</translation>
    </message>
    <message>
        <source>Board list unreadable: %1</source>
        <translation>Board-Liste nicht lesbar: %1</translation>
    </message>
    <message>
        <source>Deployment history unreadable: %1</source>
        <translation>Bereitstellungsverlauf nicht lesbar: %1</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>verbunden</translation>
    </message>
    <message>
        <source>%1: unreadable %2 answer: %3</source>
        <translation>%1: nicht lesbare %2-Antwort: %3</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>time — decisions of %1</source>
        <translation>Zeit — Entscheidungen von %1</translation>
    </message>
    <message>
        <source>Cannot read the workspace: %1</source>
        <translation>Der Arbeitsbereich kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>No bundle in the workspace yet: make one with `dvfo bundle create`.</source>
        <translation>Noch kein Bundle im Arbeitsbereich: Erstellen Sie eines mit `dvfo bundle create`.</translation>
    </message>
    <message>
        <source>Deploy bundle</source>
        <translation>Bundle bereitstellen</translation>
    </message>
    <message>
        <source>Selected boards</source>
        <translation>Ausgewählte Boards</translation>
    </message>
    <message>
        <source>All SSH boards</source>
        <translation>Alle SSH-Boards</translation>
    </message>
    <message>
        <source>Group %1</source>
        <translation>Gruppe %1</translation>
    </message>
    <message>
        <source>Bundle</source>
        <translation>Bundle</translation>
    </message>
    <message>
        <source>Boards</source>
        <translation>Boards</translation>
    </message>
    <message>
        <source>Parallel connections</source>
        <translation>Parallele Verbindungen</translation>
    </message>
    <message>
        <source>Deploy</source>
        <translation>Bereitstellen</translation>
    </message>
    <message>
        <source>A deployment is already running.</source>
        <translation>Es läuft bereits eine Bereitstellung.</translation>
    </message>
    <message>
        <source>Cannot deploy: %1</source>
        <translation>Bereitstellung nicht möglich: %1</translation>
    </message>
    <message>
        <source>No bundle #%1 in the workspace.</source>
        <translation>Kein Bundle #%1 im Arbeitsbereich.</translation>
    </message>
    <message>
        <source>Select one or more boards to deploy to.</source>
        <translation>Wählen Sie ein oder mehrere Boards für die Bereitstellung aus.</translation>
    </message>
    <message>
        <source>Deploying %1 to %2</source>
        <translation>Stelle %1 auf %2 bereit</translation>
    </message>
    <message>
        <source>Select one or more boards to roll back.</source>
        <translation>Wählen Sie ein oder mehrere Boards zum Zurückrollen aus.</translation>
    </message>
    <message>
        <source>Rolling back %1</source>
        <translation>Rolle %1 zurück</translation>
    </message>
    <message>
        <source>Cannot reach the boards: %1</source>
        <translation>Die Boards sind nicht erreichbar: %1</translation>
    </message>
    <message>
        <source>Skipped %1: not in the board list</source>
        <translation>%1 übersprungen: nicht in der Board-Liste</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>in Warteschlange</translation>
    </message>
    <message>
        <source>Deployment history not saved: %1</source>
        <translation>Bereitstellungsverlauf nicht gespeichert: %1</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>nicht verbunden</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>verbindet</translation>
    </message>
    <message>
        <source>busy</source>
        <translation>beschäftigt</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>Connecting %1</source>
        <translation>Verbinde mit %1</translation>
    </message>
    <message>
        <source>%1 runs bundle %2</source>
        <translation>%1 führt Bundle %2 aus</translation>
    </message>
    <message>
        <source>Deployment stopped: %1</source>
        <translation>Deployment abgebrochen: %1</translation>
    </message>
</context>
<context>
    <name>dvfo::InteractivePlot</name>
    <message>
        <source>Reset view</source>
        <translation>Ansicht zurücksetzen</translation>
    </message>
    <message>
        <source>Export PNG…</source>
        <translation>PNG exportieren…</translation>
    </message>
    <message>
        <source>Export PDF…</source>
        <translation>PDF exportieren…</translation>
    </message>
    <message>
        <source>Cannot write %1</source>
        <translation>%1 kann nicht geschrieben werden</translation>
    </message>
    <message>
        <source>Export PDF</source>
        <translation>PDF exportieren</translation>
    </message>
    <message>
        <source>Export PNG</source>
        <translation>PNG exportieren</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG-Bild (*.png)</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>Export fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>dvfo::LatencyHeatmapPlot</name>
    <message>
        <source>median latency (ms, log)</source>
        <translation>Median-Latenz (ms, log)</translation>
    </message>
    <message>
        <source>tuple CPU/GPU/EMC (MHz)</source>
        <translation>Tupel CPU/GPU/EMC (MHz)</translation>
    </message>
    <message>
        <source>layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <source>GPU clock (MHz) at EMC %1 MHz</source>
        <translation>GPU-Takt (MHz) bei EMC %1 MHz</translation>
    </message>
    <message>
        <source>CPU clock (MHz), whole model</source>
        <translation>CPU-Takt (MHz), ganzes Modell</translation>
    </message>
    <message>
        <source>CPU clock (MHz), layer %1</source>
        <translation>CPU-Takt (MHz), Schicht %1</translation>
    </message>
    <message>
        <source>%1 (%2)
%3 MHz
median %4 ms (p10 %5, p90 %6, n %7)
energy %8 mJ</source>
        <translation>%1 (%2)
%3 MHz
Median %4 ms (p10 %5, p90 %6, n %7)
Energie %8 mJ</translation>
    </message>
    <message>
        <source>CPU %1 / GPU %2 MHz: not measured</source>
        <translation>CPU %1 / GPU %2 MHz: nicht gemessen</translation>
    </message>
    <message>
        <source>CPU %1 / GPU %2 / EMC %3 MHz
%4 ms</source>
        <translation>CPU %1 / GPU %2 / EMC %3 MHz
%4 ms</translation>
    </message>
</context>
<context>
    <name>dvfo::MainWindow</name>
    <message>
        <source>DVFO Studio</source>
        <translation>DVFO Studio</translation>
    </message>
    <message>
        <source>&amp;Boards</source>
        <translation>&amp;Boards</translation>
    </message>
    <message>
        <source>&amp;Attention</source>
        <translation>&amp;Aufmerksamkeit</translation>
    </message>
    <message>
        <source>&amp;Profile</source>
        <translation>&amp;Profilierung</translation>
    </message>
    <message>
        <source>&amp;Results</source>
        <translation>&amp;Ergebnisse</translation>
    </message>
    <message>
        <source>&amp;Sessions</source>
        <translation>&amp;Sitzungen</translation>
    </message>
    <message>
        <source>&amp;Fleet</source>
        <translation>&amp;Flotte</translation>
    </message>
    <message>
        <source>&amp;Training</source>
        <translation>&amp;Training</translation>
    </message>
    <message>
        <source>Cannot open session: %1</source>
        <translation>Sitzung kann nicht geöffnet werden: %1</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About DVFO Studio</source>
        <translation>Ü&amp;ber DVFO Studio</translation>
    </message>
    <message>
        <source>About DVFO Studio</source>
        <translation>Über DVFO Studio</translation>
    </message>
    <message>
        <source>&lt;b&gt;DVFO Studio %1&lt;/b&gt;&lt;p&gt;Learning-based DVFS and feature-map offloading for energy-efficient edge–cloud DNN inference (Zhang et al., 2023).&lt;/p&gt;</source>
        <translation>&lt;b&gt;DVFO Studio %1&lt;/b&gt;&lt;p&gt;Lernbasierte DVFS und Feature-Map-Auslagerung für energieeffiziente Edge–Cloud-DNN-Inferenz (Zhang et al., 2023).&lt;/p&gt;</translation>
    </message>
    <message>
        <source>%1 connected</source>
        <translation>%1 verbunden</translation>
    </message>
    <message>
        <source>Ready: the emulated boards need no hardware.</source>
        <translation>Bereit: Die emulierten Boards benötigen keine Hardware.</translation>
    </message>
    <message>
        <source>Session %1 completed</source>
        <translation>Sitzung %1 abgeschlossen</translation>
    </message>
    <message>
        <source>Session %1 cancelled</source>
        <translation>Sitzung %1 abgebrochen</translation>
    </message>
    <message>
        <source>Session %1 failed</source>
        <translation>Sitzung %1 fehlgeschlagen</translation>
    </message>
    <message>
        <source>Session %1: %2</source>
        <translation>Sitzung %1: %2</translation>
    </message>
</context>
<context>
    <name>dvfo::ParetoPlot</name>
    <message>
        <source>tuples</source>
        <translation>Tupel</translation>
    </message>
    <message>
        <source>Pareto front</source>
        <translation>Pareto-Front</translation>
    </message>
    <message>
        <source>selected</source>
        <translation>ausgewählt</translation>
    </message>
    <message>
        <source>whole-model latency (ms)</source>
        <translation>Latenz des ganzen Modells (ms)</translation>
    </message>
    <message>
        <source>whole-model energy (mJ)</source>
        <translation>Energie des ganzen Modells (mJ)</translation>
    </message>
    <message>
        <source>%1 MHz%2
latency %3 ms
energy %4 mJ
EDP %5 mJ·s</source>
        <translation>%1 MHz%2
Latenz %3 ms
Energie %4 mJ
EDP %5 mJ·s</translation>
    </message>
    <message>
        <source> (Pareto)</source>
        <translation> (Pareto)</translation>
    </message>
</context>
<context>
    <name>dvfo::PolicyComparisonPlot</name>
    <message>
        <source>mean cost per inference (lower is better)</source>
        <translation>mittlere Kosten je Inferenz (niedriger ist besser)</translation>
    </message>
    <message>
        <source>Comparison with the baselines (not evaluated yet)</source>
        <translation>Vergleich mit den Baselines (noch nicht ausgewertet)</translation>
    </message>
    <message>
        <source>  (%1%2 %)</source>
        <translation>  (%1%2 %)</translation>
    </message>
    <message>
        <source>Trained policy vs baselines and oracle (unseen trace seeds)</source>
        <translation>Trainierte Policy gegen Baselines und Orakel (ungesehene Trace-Seeds)</translation>
    </message>
    <message>
        <source>%1
cost %2 (gap to oracle %3 %)
energy %4 mJ, latency %5 ms per inference
EDP %6 mJ·s, SLO violations %7 %</source>
        <translation>%1
Kosten %2 (Abstand zum Orakel %3 %)
Energie %4 mJ, Latenz %5 ms je Inferenz
EDP %6 mJ·s, SLO-Verletzungen %7 %</translation>
    </message>
</context>
<context>
    <name>dvfo::PolicyMapPlot</name>
    <message>
        <source>uplink bandwidth (Mbit/s)</source>
        <translation>Uplink-Bandbreite (Mbit/s)</translation>
    </message>
    <message>
        <source>clock (MHz)</source>
        <translation>Takt (MHz)</translation>
    </message>
    <message>
        <source>offloaded share</source>
        <translation>ausgelagerter Anteil</translation>
    </message>
    <message>
        <source>Policy map (no policy yet)</source>
        <translation>Policy-Karte (noch keine Policy)</translation>
    </message>
    <message>
        <source>Policy map: action per bandwidth (RTT %1 ms)</source>
        <translation>Policy-Karte: Aktion je Bandbreite (RTT %1 ms)</translation>
    </message>
    <message>
        <source>%1 Mbit/s
CPU %2 MHz, GPU %3 MHz, EMC %4 MHz
offload share %5</source>
        <translation>%1 Mbit/s
CPU %2 MHz, GPU %3 MHz, EMC %4 MHz
Auslagerungsanteil %5</translation>
    </message>
    <message>
        <source>CPU MHz</source>
        <translation>CPU MHz</translation>
    </message>
    <message>
        <source>GPU MHz</source>
        <translation>GPU MHz</translation>
    </message>
    <message>
        <source>EMC MHz</source>
        <translation>EMC MHz</translation>
    </message>
    <message>
        <source>offload share</source>
        <translation>Auslagerungsanteil</translation>
    </message>
</context>
<context>
    <name>dvfo::ProfilePanel</name>
    <message>
        <source>&amp;Start</source>
        <translation>&amp;Start</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pause</translation>
    </message>
    <message>
        <source>Ca&amp;ncel</source>
        <translation>Abbre&amp;chen</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <source>%1 (emulated)</source>
        <translation>%1 (emuliert)</translation>
    </message>
    <message>
        <source>Board list unreadable: %1</source>
        <translation>Board-Liste nicht lesbar: %1</translation>
    </message>
    <message>
        <source>grid</source>
        <translation>Raster</translation>
    </message>
    <message>
        <source>adaptive</source>
        <translation>adaptiv</translation>
    </message>
    <message>
        <source>all</source>
        <translation>alle</translation>
    </message>
    <message>
        <source>list</source>
        <translation>Liste</translation>
    </message>
    <message>
        <source>max</source>
        <translation>max</translation>
    </message>
    <message>
        <source>min</source>
        <translation>min</translation>
    </message>
    <message>
        <source>all | max | min | grid:NxMxK | adaptive:NxMxK+B | list:cpu/gpu/emc,... (kHz)</source>
        <translation>all | max | min | grid:NxMxK | adaptive:NxMxK+B | list:cpu/gpu/emc,... (kHz)</translation>
    </message>
    <message>
        <source>Board</source>
        <translation>Board</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>Plan</translation>
    </message>
    <message>
        <source>warm-up</source>
        <translation>Aufwärmen</translation>
    </message>
    <message>
        <source>repeat</source>
        <translation>Wiederholen</translation>
    </message>
    <message>
        <source>Runs per layer</source>
        <translation>Läufe je Schicht</translation>
    </message>
    <message>
        <source>Estimate</source>
        <translation>Schätzung</translation>
    </message>
    <message>
        <source>Sweep</source>
        <translation>Messreihe</translation>
    </message>
    <message>
        <source>%v / %m layers</source>
        <translation>%v / %m Schichten</translation>
    </message>
    <message>
        <source>median latency (ms)</source>
        <translation>Median-Latenz (ms)</translation>
    </message>
    <message>
        <source>Per-layer latency, tuple being measured</source>
        <translation>Latenz je Schicht, aktuell gemessenes Tupel</translation>
    </message>
    <message>
        <source>time since start (s)</source>
        <translation>Zeit seit Start (s)</translation>
    </message>
    <message>
        <source>mean rail power per layer (mW)</source>
        <translation>mittlere Schienenleistung je Schicht (mW)</translation>
    </message>
    <message>
        <source>Power per rail</source>
        <translation>Leistung je Versorgungsschiene</translation>
    </message>
    <message>
        <source>The workspace database is not available: sweeps cannot be recorded.</source>
        <translation>Die Arbeitsbereich-Datenbank ist nicht verfügbar: Messreihen können nicht aufgezeichnet werden.</translation>
    </message>
    <message>
        <source>The workspace database is not available: %1. Sweeps cannot be recorded.</source>
        <translation>Die Arbeitsbereich-Datenbank ist nicht verfügbar: %1. Messreihen können nicht aufgezeichnet werden.</translation>
    </message>
    <message>
        <source>Connect the board to count the tuples of this plan.</source>
        <translation>Verbinden Sie das Board, um die Tupel dieses Plans zu zählen.</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;color:#b00&apos;&gt;%1&lt;/span&gt;</source>
        <translation>&lt;span style=&apos;color:#b00&apos;&gt;%1&lt;/span&gt;</translation>
    </message>
    <message>
        <source>rough default until a sweep of this model is stored</source>
        <translation>grober Standardwert, bis eine Messreihe dieses Modells gespeichert ist</translation>
    </message>
    <message>
        <source>timed from session #%1</source>
        <translation>Zeiten aus Sitzung #%1</translation>
    </message>
    <message>
        <source>%1 %2 × %3 layers ≈ %4 (%5)</source>
        <translation>%1 %2 × %3 Schichten ≈ %4 (%5)</translation>
    </message>
    <message>
        <source>at most</source>
        <translation>höchstens</translation>
    </message>
    <message>
        <source>1 tuple</source>
        <translation>1 Tupel</translation>
    </message>
    <message>
        <source>%1 tuples</source>
        <translation>%1 Tupel</translation>
    </message>
    <message>
        <source>SSH</source>
        <translation>SSH</translation>
    </message>
    <message>
        <source>Cannot use %1: %2</source>
        <translation>%1 ist nicht verwendbar: %2</translation>
    </message>
    <message>
        <source>Nothing to resume.</source>
        <translation>Nichts fortzusetzen.</translation>
    </message>
    <message>
        <source>Cannot resume session %1: %2</source>
        <translation>Sitzung %1 kann nicht fortgesetzt werden: %2</translation>
    </message>
    <message>
        <source>A sweep is already running.</source>
        <translation>Es läuft bereits eine Messreihe.</translation>
    </message>
    <message>
        <source>The workspace database is not available%1; nothing can be recorded.</source>
        <translation>Die Arbeitsbereich-Datenbank ist nicht verfügbar%1; es kann nichts aufgezeichnet werden.</translation>
    </message>
    <message>
        <source>Choose a board, a model and a plan.</source>
        <translation>Wählen Sie ein Board, ein Modell und einen Plan.</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Verbinde mit %1…</translation>
    </message>
    <message>
        <source>Nothing left to measure in session %1.</source>
        <translation>In Sitzung %1 ist nichts mehr zu messen.</translation>
    </message>
    <message>
        <source>Session %1: %2 on %3, plan %4%5</source>
        <translation>Sitzung %1: %2 auf %3, Plan %4%5</translation>
    </message>
    <message>
        <source> (resumed, %1 tuples left)</source>
        <translation> (fortgesetzt, %1 Tupel übrig)</translation>
    </message>
    <message>
        <source>Measuring %1 MHz (%2 of %3%4)</source>
        <translation>Messe %1 MHz (%2 von %3%4)</translation>
    </message>
    <message>
        <source>Layers run on %1.</source>
        <translation>Die Schichten laufen auf %1.</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>Warnung: %1</translation>
    </message>
    <message>
        <source>, refinement</source>
        <translation>, Verfeinerung</translation>
    </message>
    <message>
        <source>Elapsed %1, ETA %2%3</source>
        <translation>Verstrichen %1, Restzeit %2%3</translation>
    </message>
    <message>
        <source> (this stage; refinements may follow)</source>
        <translation> (diese Stufe; Verfeinerungen können folgen)</translation>
    </message>
    <message>
        <source>Cannot store tuple %1: %2</source>
        <translation>Tupel %1 kann nicht gespeichert werden: %2</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>pausiert</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <source>Session %1: refining %2 tuples where energy or latency changes most</source>
        <translation>Sitzung %1: verfeinere %2 Tupel, wo sich Energie oder Latenz am stärksten ändern</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>abgeschlossen</translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation>fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Session %1 %2: %3 tuples stored.%4</source>
        <translation>Sitzung %1 %2: %3 Tupel gespeichert.%4</translation>
    </message>
    <message>
        <source> Resume measures only the missing tuples.</source>
        <translation> „Fortsetzen“ misst nur die fehlenden Tupel.</translation>
    </message>
    <message>
        <source>Took %1</source>
        <translation>Dauer %1</translation>
    </message>
    <message>
        <source>Pausing after the current tuple…</source>
        <translation>Pausiere nach dem aktuellen Tupel…</translation>
    </message>
    <message>
        <source>Cancelled before the sweep started.</source>
        <translation>Vor Beginn der Messreihe abgebrochen.</translation>
    </message>
    <message>
        <source>Cancelling: the board restores its clocks…</source>
        <translation>Breche ab: Das Board stellt seine Takte wieder her…</translation>
    </message>
    <message>
        <source>Tuple %1 MHz was throttled: clocks in force %2 MHz</source>
        <translation>Tupel %1 MHz wurde gedrosselt: wirksame Takte %2 MHz</translation>
    </message>
    <message>
        <source>Session %1: clock switch times not measured (%2); the board&apos;s model will be charged.</source>
        <translation>Sitzung %1: Taktwechselzeiten nicht gemessen (%2); berechnet wird das Modell des Boards.</translation>
    </message>
</context>
<context>
    <name>dvfo::ResultsPanel</name>
    <message>
        <source>Layers × tuples</source>
        <translation>Schichten × Tupel</translation>
    </message>
    <message>
        <source>CPU × GPU at EMC</source>
        <translation>CPU × GPU bei EMC</translation>
    </message>
    <message>
        <source>Latency</source>
        <translation>Latenz</translation>
    </message>
    <message>
        <source>Energy</source>
        <translation>Energie</translation>
    </message>
    <message>
        <source>Heatmap:</source>
        <translation>Heatmap:</translation>
    </message>
    <message>
        <source>EMC:</source>
        <translation>EMC:</translation>
    </message>
    <message>
        <source>Layer:</source>
        <translation>Schicht:</translation>
    </message>
    <message>
        <source>Open a session in the Sessions tab, or run a sweep in the Profile tab.</source>
        <translation>Öffnen Sie eine Sitzung im Tab „Sitzungen“ oder starten Sie eine Messreihe im Tab „Profilierung“.</translation>
    </message>
    <message>
        <source>Metric:</source>
        <translation>Metrik:</translation>
    </message>
    <message>
        <source>Session</source>
        <translation>Sitzung</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>Vergleich</translation>
    </message>
    <message>
        <source>&lt;b&gt;Session #%1&lt;/b&gt; %2 · %3 on %4%5 · %6 tuples × %7 layers · %8</source>
        <translation>&lt;b&gt;Sitzung #%1&lt;/b&gt; %2 · %3 auf %4%5 · %6 Tupel × %7 Schichten · %8</translation>
    </message>
    <message>
        <source> (emulated)</source>
        <translation> (emuliert)</translation>
    </message>
    <message>
        <source>%1 MHz</source>
        <translation>%1 MHz</translation>
    </message>
    <message>
        <source>whole model</source>
        <translation>ganzes Modell</translation>
    </message>
    <message>
        <source>L4T unknown</source>
        <translation>L4T unbekannt</translation>
    </message>
    <message>
        <source>L4T %1</source>
        <translation>L4T %1</translation>
    </message>
    <message>
        <source>nvpmodel %1 (id %2)</source>
        <translation>nvpmodel %1 (ID %2)</translation>
    </message>
    <message>
        <source>layers on %1</source>
        <translation>Schichten auf %1</translation>
    </message>
    <message>
        <source>no thermal zones</source>
        <translation>keine Thermozonen</translation>
    </message>
    <message>
        <source>hottest zone %1 °C</source>
        <translation>heißeste Zone %1 °C</translation>
    </message>
    <message>
        <source>throttled at %1 of %2 tuples</source>
        <translation>gedrosselt bei %1 von %2 Tupeln</translation>
    </message>
    <message>
        <source>no per-tuple temperatures recorded</source>
        <translation>keine Temperaturen pro Tupel aufgezeichnet</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>Warnung: %1</translation>
    </message>
</context>
<context>
    <name>dvfo::SessionComparePlot</name>
    <message>
        <source>A: %1</source>
        <translation>A: %1</translation>
    </message>
    <message>
        <source>A</source>
        <translation>A</translation>
    </message>
    <message>
        <source>B: %1</source>
        <translation>B: %1</translation>
    </message>
    <message>
        <source>B</source>
        <translation>B</translation>
    </message>
    <message>
        <source>whole-model latency (ms)</source>
        <translation>Latenz des ganzen Modells (ms)</translation>
    </message>
    <message>
        <source>whole-model energy (mJ)</source>
        <translation>Energie des ganzen Modells (mJ)</translation>
    </message>
    <message>
        <source>tuple CPU/GPU/EMC (MHz), measured in both sessions</source>
        <translation>Tupel CPU/GPU/EMC (MHz), in beiden Sitzungen gemessen</translation>
    </message>
    <message>
        <source>Compare: pick two sessions in the Sessions tab</source>
        <translation>Vergleich: Wählen Sie zwei Sitzungen im Tab „Sitzungen“</translation>
    </message>
    <message>
        <source>Sessions #%1 and #%2 have no tuple in common</source>
        <translation>Die Sitzungen #%1 und #%2 haben kein gemeinsames Tupel</translation>
    </message>
    <message>
        <source>%1 per tuple, %2 common tuples; B/A geometric mean %3</source>
        <translation>%1 je Tupel, %2 gemeinsame Tupel; geometrisches Mittel B/A %3</translation>
    </message>
    <message>
        <source>Latency</source>
        <translation>Latenz</translation>
    </message>
    <message>
        <source>Energy</source>
        <translation>Energie</translation>
    </message>
    <message>
        <source>%1 MHz
latency A %2 ms, B %3 ms (B/A %4)
energy A %5 mJ, B %6 mJ (B/A %7)</source>
        <translation>%1 MHz
Latenz A %2 ms, B %3 ms (B/A %4)
Energie A %5 mJ, B %6 mJ (B/A %7)</translation>
    </message>
</context>
<context>
    <name>dvfo::SessionListModel</name>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <source>Double-click to rename</source>
        <translation>Doppelklick zum Umbenennen</translation>
    </message>
    <message>
        <source>ended %1</source>
        <translation>beendet %1</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Board</source>
        <translation>Board</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Emulated</source>
        <translation>Emuliert</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Tuples</source>
        <translation>Tupel</translation>
    </message>
    <message>
        <source>Records</source>
        <translation>Datensätze</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
</context>
<context>
    <name>dvfo::SessionsPanel</name>
    <message>
        <source>&amp;Open</source>
        <translation>Ö&amp;ffnen</translation>
    </message>
    <message>
        <source>Co&amp;mpare</source>
        <translation>&amp;Vergleichen</translation>
    </message>
    <message>
        <source>Res&amp;ume</source>
        <translation>Fort&amp;setzen</translation>
    </message>
    <message>
        <source>Re&amp;name</source>
        <translation>&amp;Umbenennen</translation>
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation>&amp;Löschen…</translation>
    </message>
    <message>
        <source>E&amp;xport…</source>
        <translation>E&amp;xportieren…</translation>
    </message>
    <message>
        <source>Re&amp;fresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <source>Show the selected session in the Results tab</source>
        <translation>Die ausgewählte Sitzung im Tab „Ergebnisse“ anzeigen</translation>
    </message>
    <message>
        <source>Select two sessions to compare them tuple by tuple</source>
        <translation>Wählen Sie zwei Sitzungen, um sie Tupel für Tupel zu vergleichen</translation>
    </message>
    <message>
        <source>Measure only the tuples an unfinished session is missing</source>
        <translation>Nur die Tupel messen, die einer unvollständigen Sitzung fehlen</translation>
    </message>
    <message>
        <source>Write the selected session as CSV or JSON</source>
        <translation>Die ausgewählte Sitzung als CSV oder JSON schreiben</translation>
    </message>
    <message>
        <source>Export session</source>
        <translation>Sitzung exportieren</translation>
    </message>
    <message>
        <source>CSV (*.csv);;JSON (*.json)</source>
        <translation>CSV (*.csv);;JSON (*.json)</translation>
    </message>
    <message>
        <source>The workspace database is not available.</source>
        <translation>Die Arbeitsbereich-Datenbank ist nicht verfügbar.</translation>
    </message>
    <message>
        <source>Delete sessions</source>
        <translation>Sitzungen löschen</translation>
    </message>
    <message>
        <source>Delete %1 with all their measurements? This cannot be undone.</source>
        <translation>%1 mit allen zugehörigen Messungen löschen? Dies kann nicht rückgängig gemacht werden.</translation>
    </message>
    <message>
        <source>Deleted %1.</source>
        <translation>%1 gelöscht.</translation>
    </message>
    <message>
        <source>Cannot write %1</source>
        <translation>%1 kann nicht geschrieben werden</translation>
    </message>
    <message>
        <source>Session %1 written to %2</source>
        <translation>Sitzung %1 nach %2 geschrieben</translation>
    </message>
</context>
<context>
    <name>dvfo::TrainingCurvesPlot</name>
    <message>
        <source>step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>%1
step %2: %3</source>
        <translation>%1
Schritt %2: %3</translation>
    </message>
    <message>
        <source>Episode reward</source>
        <translation>Episodenbelohnung</translation>
    </message>
    <message>
        <source>Loss (mean Huber)</source>
        <translation>Verlust (mittlerer Huber)</translation>
    </message>
    <message>
        <source>Epsilon</source>
        <translation>Epsilon</translation>
    </message>
    <message>
        <source>Episode length (steps)</source>
        <translation>Episodenlänge (Schritte)</translation>
    </message>
</context>
<context>
    <name>dvfo::TrainingPanel</name>
    <message>
        <source>Profile session the environment is built from (Profile tab or `dvfo profile`)</source>
        <translation>Profilierungssitzung, aus der die Umgebung gebaut wird (Tab „Profilierung“ oder `dvfo profile`)</translation>
    </message>
    <message>
        <source>Weight of energy against latency in the cost (1 = energy only)</source>
        <translation>Gewicht der Energie gegenüber der Latenz in den Kosten (1 = nur Energie)</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> ms</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keines</translation>
    </message>
    <message>
        <source>Latency SLO: a step above it costs the SLO penalty</source>
        <translation>Latenz-SLO: Ein Schritt darüber kostet die SLO-Strafe</translation>
    </message>
    <message>
        <source>Random walk of the bandwidth in 2..100 Mbit/s, RTT 20 ms</source>
        <translation>Zufallsbewegung der Bandbreite in 2..100 Mbit/s, RTT 20 ms</translation>
    </message>
    <message>
        <source>Edge-cloud on a MEC network: random walk in 5..400 Mbit/s, RTT 2 ms</source>
        <translation>Edge-Cloud in einem MEC-Netz: Zufallsbewegung in 5..400 Mbit/s, RTT 2 ms</translation>
    </message>
    <message>
        <source>Constant 50 Mbit/s, 20 ms</source>
        <translation>Konstant 50 Mbit/s, 20 ms</translation>
    </message>
    <message>
        <source>Steps: 100 Mbit/s, then 5 Mbit/s from step 70, 50 Mbit/s from step 140</source>
        <translation>Stufen: 100 Mbit/s, dann 5 Mbit/s ab Schritt 70, 50 Mbit/s ab Schritt 140</translation>
    </message>
    <message>
        <source>above idle</source>
        <translation>über Leerlauf</translation>
    </message>
    <message>
        <source>per inference (whole board)</source>
        <translation>je Inferenz (ganzes Board)</translation>
    </message>
    <message>
        <source>per control period</source>
        <translation>je Regelperiode</translation>
    </message>
    <message>
        <source>What energy counts in the cost: what an inference adds to the idling board (the idle floor is paid anyway), the whole board while it computes, or the whole board over the control period</source>
        <translation>Welche Energie in die Kosten eingeht: was eine Inferenz zum Leerlauf des Boards hinzufügt (die Leerlaufleistung fällt ohnehin an), das ganze Board während der Berechnung oder das ganze Board über die Regelperiode</translation>
    </message>
    <message>
        <source>Concurrent (thinking while moving)</source>
        <translation>Nebenläufig (Thinking while Moving)</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>Evaluate</source>
        <translation>Auswerten</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
    <message>
        <source>Continue the selected cancelled or failed run from its checkpoint</source>
        <translation>Den ausgewählten abgebrochenen oder fehlgeschlagenen Lauf ab seinem Checkpoint fortsetzen</translation>
    </message>
    <message>
        <source>Policy map and comparison of the selected run&apos;s exported policy</source>
        <translation>Policy-Karte und Vergleich der exportierten Policy des ausgewählten Laufs</translation>
    </message>
    <message>
        <source>%v / %m steps</source>
        <translation>%v / %m Schritte</translation>
    </message>
    <message>
        <source>New training run</source>
        <translation>Neuer Trainingslauf</translation>
    </message>
    <message>
        <source>Session</source>
        <translation>Sitzung</translation>
    </message>
    <message>
        <source>Trace</source>
        <translation>Trace</translation>
    </message>
    <message>
        <source>eta</source>
        <translation>eta</translation>
    </message>
    <message>
        <source>SLO</source>
        <translation>SLO</translation>
    </message>
    <message>
        <source>Episode steps</source>
        <translation>Episodenschritte</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Schritte</translation>
    </message>
    <message>
        <source>Energy</source>
        <translation>Energie</translation>
    </message>
    <message>
        <source>Training runs (double-click to open)</source>
        <translation>Trainingsläufe (Doppelklick zum Öffnen)</translation>
    </message>
    <message>
        <source>Choose a profile session and press Start, or open a stored run.</source>
        <translation>Wählen Sie eine Profilierungssitzung und klicken Sie auf „Start“, oder öffnen Sie einen gespeicherten Lauf.</translation>
    </message>
    <message>
        <source>#%1 %2 on %3 (%4 tuples)</source>
        <translation>#%1 %2 auf %3 (%4 Tupel)</translation>
    </message>
    <message>
        <source>Cannot read the workspace: %1</source>
        <translation>Der Arbeitsbereich kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>(no profile session: profile a board first)</source>
        <translation>(keine Profilierungssitzung: Profilieren Sie zuerst ein Board)</translation>
    </message>
    <message>
        <source>Cannot read the training runs: %1</source>
        <translation>Die Trainingsläufe können nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>A training run is already going: stop it first.</source>
        <translation>Es läuft bereits ein Trainingslauf: Stoppen Sie ihn zuerst.</translation>
    </message>
    <message>
        <source>No profile session to train on: profile a board first (Profile tab).</source>
        <translation>Keine Profilierungssitzung zum Trainieren: Profilieren Sie zuerst ein Board (Tab „Profilierung“).</translation>
    </message>
    <message>
        <source>Give a link trace, e.g. constant:50,20.</source>
        <translation>Geben Sie einen Link-Trace an, z. B. constant:50,20.</translation>
    </message>
    <message>
        <source>Stopping: saving a checkpoint…</source>
        <translation>Stoppe: Speichere einen Checkpoint…</translation>
    </message>
    <message>
        <source>Resuming run %1…</source>
        <translation>Setze Lauf %1 fort…</translation>
    </message>
    <message>
        <source>Building the environment and the agent…</source>
        <translation>Baue die Umgebung und den Agenten auf…</translation>
    </message>
    <message>
        <source>%1 run %2: %3</source>
        <translation>Lauf %2 (%1): %3</translation>
    </message>
    <message>
        <source>Resumed</source>
        <translation>fortgesetzt</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <source>Trained; evaluating against the baselines…</source>
        <translation>Trainiert; werte gegen die Baselines aus…</translation>
    </message>
    <message>
        <source>Run %1 stopped at step %2: checkpoint saved, Resume continues it.</source>
        <translation>Lauf %1 bei Schritt %2 gestoppt: Checkpoint gespeichert, „Fortsetzen“ setzt ihn fort.</translation>
    </message>
    <message>
        <source>Run %1 completed in %2 s; gap to the oracle %3 %.</source>
        <translation>Lauf %1 in %2 s abgeschlossen; Abstand zum Orakel %3 %.</translation>
    </message>
    <message>
        <source>Training failed: %1</source>
        <translation>Training fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Opening run %1…</source>
        <translation>Öffne Lauf %1…</translation>
    </message>
    <message>
        <source>Evaluating run %1…</source>
        <translation>Werte Lauf %1 aus…</translation>
    </message>
    <message>
        <source>Run %1 (%2) has no exported policy yet: resume it to the end of its budget for a policy map and a comparison.</source>
        <translation>Lauf %1 (%2) hat noch keine exportierte Policy: Setzen Sie ihn bis zum Ende seines Budgets fort, um eine Policy-Karte und einen Vergleich zu erhalten.</translation>
    </message>
    <message>
        <source>Run %1: policy map and comparison of its exported policy.</source>
        <translation>Lauf %1: Policy-Karte und Vergleich seiner exportierten Policy.</translation>
    </message>
    <message>
        <source>Cannot open run %1: %2</source>
        <translation>Lauf %1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>What boards meet (the default): walks on LAN, MEC, WAN and cellular links, 0.2..1000 Mbit/s, RTT 1..300 ms, constant links, steps and outages. Your csv traces too: mix:field@0.8;dir:FOLDER@0.2</source>
        <translation>Was Boards antreffen (Standard): Irrfahrten auf LAN-, MEC-, WAN- und Mobilfunkverbindungen, 0,2..1000 Mbit/s, RTT 1..300 ms, konstante Verbindungen, Sprünge und Ausfälle. Auch Ihre CSV-Traces: mix:field@0.8;dir:ORDNER@0.2</translation>
    </message>
    <message>
        <source>Link trace: field | constant:BW,RTT | step:BW,RTT;BW,RTT@STEP | randomwalk:key=value,... | csv:FILE | dir:FOLDER | mix:SPEC@W;SPEC@W;...</source>
        <translation>Verbindungs-Trace: field | constant:BW,RTT | step:BW,RTT;BW,RTT@SCHRITT | randomwalk:Schlüssel=Wert,... | csv:DATEI | dir:ORDNER | mix:SPEC@W;SPEC@W;...</translation>
    </message>
    <message>
        <source>Suite</source>
        <translation>Suite</translation>
    </message>
    <message>
        <source>Robustness suite of the selected run&apos;s policy: its gap to the oracle per link family (constant grid, steps, walks with a walking RTT, WAN, LAN, MEC, outages), next to the best baseline (as dvfo evaluate --suite)</source>
        <translation>Robustheits-Suite der Policy des gewählten Laufs: Abstand zum Orakel je Verbindungsfamilie (konstantes Raster, Sprünge, Irrfahrten mit wanderndem RTT, WAN, LAN, MEC, Ausfälle), neben der besten Baseline (wie dvfo evaluate --suite)</translation>
    </message>
    <message>
        <source>The suite is already running.</source>
        <translation>Die Suite läuft bereits.</translation>
    </message>
    <message>
        <source>Robustness suite of run %1: running…</source>
        <translation>Robustheits-Suite von Lauf %1: läuft…</translation>
    </message>
    <message>
        <source>Running the robustness suite of run %1…</source>
        <translation>Robustheits-Suite von Lauf %1 wird ausgeführt…</translation>
    </message>
    <message>
        <source>Run %1 over the robustness suite: worst family %2, %3 % above the oracle.</source>
        <translation>Lauf %1 in der Robustheits-Suite: schlechteste Familie %2, %3 % über dem Orakel.</translation>
    </message>
    <message>
        <source>Robustness suite of run %1 failed</source>
        <translation>Robustheits-Suite von Lauf %1 fehlgeschlagen</translation>
    </message>
    <message>
        <source>The suite of run %1 failed: %2</source>
        <translation>Die Suite von Lauf %1 ist fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>Paper report…</source>
        <translation>Paper-Bericht…</translation>
    </message>
    <message>
        <source>Open a dvfo report (index.html: DVFO against the paper&apos;s baselines over boards, models and link families); without one, the status shows the command that makes it for the selected run&apos;s board and model</source>
        <translation>Einen dvfo-Bericht öffnen (index.html: DVFO gegen die Vergleichsverfahren des Papers über Boards, Modelle und Verbindungsfamilien); ohne Bericht zeigt der Status den Befehl, der ihn für Board und Modell des gewählten Laufs erstellt</translation>
    </message>
    <message>
        <source>Report directory (dvfo report --out)</source>
        <translation>Berichtsverzeichnis (dvfo report --out)</translation>
    </message>
    <message>
        <source>No report in %1. Select a run to see the command that makes one.</source>
        <translation>Kein Bericht in %1. Wählen Sie einen Lauf, um den Befehl zu sehen, der einen erstellt.</translation>
    </message>
    <message>
        <source>No report in %1. Make one with: %2</source>
        <translation>Kein Bericht in %1. Erstellen mit: %2</translation>
    </message>
    <message>
        <source>Report: %1</source>
        <translation>Bericht: %1</translation>
    </message>
</context>
<context>
    <name>dvfo::TrainingRunListModel</name>
    <message>
        <source>deleted</source>
        <translation>gelöscht</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Session</source>
        <translation>Sitzung</translation>
    </message>
    <message>
        <source>Board</source>
        <translation>Board</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>Punkte</translation>
    </message>
    <message>
        <source>Started (UTC)</source>
        <translation>Gestartet (UTC)</translation>
    </message>
</context>
<context>
    <name>dvfo::TrainingSuitePlot</name>
    <message>
        <source>trained policy</source>
        <translation>trainierte Policy</translation>
    </message>
    <message>
        <source>with the runtime guard</source>
        <translation>mit Laufzeitwächter</translation>
    </message>
    <message>
        <source>best baseline</source>
        <translation>beste Baseline</translation>
    </message>
    <message>
        <source>worst family</source>
        <translation>schlechteste Familie</translation>
    </message>
    <message>
        <source>gap to oracle %: policy (worst red), with guard (green), best baseline</source>
        <translation>Abstand zum Orakel %: Policy (schlechteste rot), mit Wächter (grün), beste Baseline</translation>
    </message>
    <message>
        <source>  (guarded %1)</source>
        <translation>  (bewacht %1)</translation>
    </message>
    <message>
        <source>  worst family</source>
        <translation>  schlechteste Familie</translation>
    </message>
    <message>
        <source>  beaten by %1</source>
        <translation>  geschlagen von %1</translation>
    </message>
    <message>
        <source>  beaten by %1 and %2 more</source>
        <translation>  geschlagen von %1 und %2 weiteren</translation>
    </message>
    <message>
        <source>Robustness suite: not run yet (Suite runs it on the selected run)</source>
        <translation>Robustheits-Suite: noch nicht ausgeführt (Suite führt sie für den gewählten Lauf aus)</translation>
    </message>
    <message>
        <source>Robustness suite: gap to the oracle of %1 by link family</source>
        <translation>Robustheits-Suite: Abstand von %1 zum Orakel je Verbindungsfamilie</translation>
    </message>
</context>
</TS>
